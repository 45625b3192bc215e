// From what the registries, the DNS zones and the domain route said to one decision: the
// addresses a complaint goes to (To, CC) and why, or "no automatic complaint". Addresses are
// normalised and validated, duplicates merged, placeholders kept only as refused candidates;
// independent sources that agree raise the score.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/abuse/registry.hpp"

namespace fightback::abuse {

enum class Source : std::uint8_t {
    rdap,          // an RDAP entity whose roles contain "abuse"
    rdap_remarks,  // an address written in an RDAP remark (fallback)
    whois,         // an abuse field of a WHOIS answer
    whois_remarks, // an address written in a WHOIS remark (fallback)
    dns_zone,      // a DNS contact zone (abuse-contacts.abusix.zone)
    domain,        // abuse@ the forward-confirmed registrable domain
};

std::string_view source_name(Source source);

// Which sources are independent of each other: RDAP and WHOIS are the same registry's data.
int source_group(Source source);

struct Evidence {
    std::string address; // as published
    Source source;
    int score = 0;       // how much this source alone is trusted (0-100)
    std::string reason;  // in words: which entity, field, zone or domain
};

struct RankContext {
    RegistryId answered_by = RegistryId::unknown; // the registry whose data we hold
    RegistryId space_holder = RegistryId::unknown;
};

struct Candidate {
    std::string address;   // normalised
    std::string source;    // "rdap", "rdap+dns-zone", ...
    int score = 0;         // 0 for a refused placeholder
    std::string reason;
};

struct Decision {
    std::vector<std::string> to;
    std::vector<std::string> cc;
    bool automatic = false;
    std::string why;                  // the verdict in words
    std::vector<Candidate> candidates; // best first
    std::vector<std::string> rejected; // addresses that failed validation, with why
};

inline constexpr int automatic_threshold = 60;
inline constexpr int cc_threshold = 50;
inline constexpr int agreement_bonus = 20;
inline constexpr std::size_t max_cc = 2;

Decision rank(const std::vector<Evidence>& evidence, const RankContext& context);

} // namespace fightback::abuse
