// Forward-confirmed reverse DNS: whoever controls an address's reverse zone can make its PTR say
// anything, including someone else's domain. A PTR name counts only when the name's own A (or
// AAAA) records contain the address again. Names that do not confirm are reported, never used.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fightback/dns/answer.hpp"
#include "fightback/dns/resolver.hpp"
#include "fightback/net/ip_address.hpp"

namespace fightback::dns {

// PTR names checked per address; names beyond these in a larger RRset are not looked at.
inline constexpr std::size_t max_ptr_names = 8;

// One look-up and what came back, kept for --explain and reports.
struct Lookup {
    Query query;
    DnsResult result;
};

struct ReverseName {
    std::string name;
    bool confirmed = false;
    std::string note; // "resolves back", "resolves to 192.0.2.99 only", "A: NXDOMAIN", ...
};

struct ConfirmedReverse {
    std::optional<std::string> name;  // the first PTR name that resolves back to the address
    std::vector<ReverseName> names;   // every PTR name looked at, in the PTR answer's order
    std::string reason;               // why there is no name, when there is none
    bool temporary = false;           // none because a look-up failed, not because DNS said so
    std::vector<Lookup> lookups;      // in the order they were made
};

ConfirmedReverse confirm_reverse(Resolver& resolver, const net::IpAddress& address);

} // namespace fightback::dns
