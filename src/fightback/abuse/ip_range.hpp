// An address range as registries return it (`startAddress`/`endAddress`, `inetnum: a - b`,
// `NetRange:`, CIDR, LACNIC's short `200.57.128/19`): the unit answers are cached by, and the
// thing "most specific" is measured on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fightback/net/ip_address.hpp"

namespace fightback::abuse {

struct IpRange {
    net::IpAddress first;
    net::IpAddress last;

    bool contains(const net::IpAddress& ip) const
    {
        return ip.family() == first.family() && !(ip < first) && !(last < ip);
    }
    // Addresses in the range minus one (IPv6 needs 128 bits); smaller is more specific.
    unsigned __int128 span() const;
    // CIDR when the range is exactly one prefix, else "first - last".
    std::string to_string() const;

    static IpRange single(const net::IpAddress& ip) { return {ip, ip}; }
};

// One address as registries write it: zero-padded IPv4 octets (ARIN's `074.125.000.000`),
// a trailing prefix length (`62.239.237.0/32`), long-form IPv6.
std::optional<net::IpAddress> parse_registry_address(std::string_view text);

// `a - b`, `a/len`, short IPv4 CIDR, or a single address.
std::optional<IpRange> parse_range(std::string_view text);

} // namespace fightback::abuse
