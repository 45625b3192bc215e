// DNS contact zones: zones that publish the abuse contact of an address as TXT at the reversed
// address under the zone (`4.3.2.1.abuse-contacts.abusix.zone`; IPv6 as 32 nibbles). One TXT
// string may hold several addresses separated by commas; `removed@lacnic.net` is the zone's
// way of saying there is none.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::abuse {

inline constexpr std::string_view default_contact_zone = "abuse-contacts.abusix.zone";

// "4.3.2.1.<zone>" or the nibble form for IPv6.
std::string contact_zone_name(const net::IpAddress& ip, std::string_view zone);

struct ZoneAddresses {
    std::vector<std::string> addresses; // as published, not yet validated
    bool says_none = false;             // the zone published its "no contact" marker
};

// The addresses in a name's TXT strings, in order, at most `limit`.
ZoneAddresses read_zone_txt(const std::vector<std::string>& txt, std::size_t limit = 8);

// TXT strings of a name: an empty vector for NXDOMAIN/NODATA, an Error for failures.
using TxtLookup = std::function<Expected<std::vector<std::string>>(const std::string& name)>;

// What the domain route found: the registrable domain of a forward-confirmed PTR name that
// takes mail (MX, or an implicit MX; not a null MX).
struct DomainRoute {
    std::string domain;
    std::string ptr;
};
// Nothing when there is no such domain (no PTR, not forward-confirmed, takes no mail).
using DomainRouteLookup =
    std::function<Expected<std::optional<DomainRoute>>(const net::IpAddress& ip)>;

} // namespace fightback::abuse
