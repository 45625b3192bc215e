// The mail domain to complain to for an address: the 2003 `find-sender-domain` walk, made safe.
// From the forward-confirmed PTR name up to its registrable domain (never above it), the first
// name with an MX record; failing that, the registrable domain when it has A/AAAA records
// (implicit MX, RFC 5321 section 5.1). A null MX (RFC 7505) on the way means no mail is taken
// there, and the answer is none. A look-up that fails (timeout, SERVFAIL) ends the walk with
// no answer rather than guess past it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/dns/public_suffix.hpp"
#include "fightback/dns/resolver.hpp"
#include "fightback/dns/reverse_dns.hpp"

namespace fightback::dns {

// Names looked at between the PTR name and its registrable domain; deeper labels are skipped.
inline constexpr std::size_t max_walk_names = 16;

struct MailDomain {
    std::optional<std::string> domain;
    std::string reason;     // how the domain was found, or why there is none
    bool temporary = false; // none because a look-up failed; asking later may succeed
    std::optional<std::string> host_name;   // the confirmed PTR name
    std::optional<std::string> registrable; // its registrable domain
    std::vector<Lookup> lookups;            // every look-up consulted, in order
};

// The walk from a hostname that is already trusted (e.g. forward-confirmed).
MailDomain find_mail_domain(Resolver& resolver, const PublicSuffixList& suffixes,
                            std::string_view host_name);

// The whole route: confirmed reverse DNS for `address`, then the walk.
MailDomain find_sender_domain(Resolver& resolver, const PublicSuffixList& suffixes,
                              const net::IpAddress& address);

} // namespace fightback::dns
