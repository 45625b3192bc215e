// The suppression list: addresses (or whole domains, written "@example.net") that never
// receive a report, and networks that are never reported about, whatever the contacts say.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/network_set.hpp"
#include "fightback/util/error.hpp"

namespace fightback::report {

class Suppression {
public:
    // Entries: "abuse@example.net" or "@example.net"; networks in SpamAssassin syntax.
    static Expected<Suppression> make(const std::vector<std::string>& addresses,
                                      std::string_view networks);

    // Why `address` must not receive a report, or nothing.
    std::optional<std::string> address_reason(std::string_view address) const;
    // Why `ip` must not be reported, or nothing.
    std::optional<std::string> network_reason(const net::IpAddress& ip) const;

private:
    std::vector<std::string> m_addresses; // lower-cased
    std::vector<std::string> m_domains;   // lower-cased, without the @
    net::NetworkSet m_networks;
};

} // namespace fightback::report
