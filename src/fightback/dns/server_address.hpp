// A DNS server given by the user: "127.0.0.1:5353", "[::1]:5353", or a bare address (port 53).
// Only literal addresses: a server named by hostname would need DNS to find DNS.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::dns {

struct ServerAddress {
    net::IpAddress address;
    std::uint16_t port = 53;

    static Expected<ServerAddress> parse(std::string_view text);
    // "127.0.0.1:5353" or "[::1]:5353", as c-ares' server list takes them.
    std::string to_string() const;

    auto operator<=>(const ServerAddress&) const = default;
};

std::string servers_csv(std::span<const ServerAddress> servers);

} // namespace fightback::dns
