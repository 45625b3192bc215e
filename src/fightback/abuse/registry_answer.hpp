// What one registry said about an address, reduced to evidence for the ranking: RDAP abuse
// entities and WHOIS abuse fields as contacts, remark addresses as flagged fallbacks, and notes
// in words (no abuse contact published, redirects followed). This is what the cache keeps,
// keyed by the range the registry returned.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fightback/abuse/ip_range.hpp"
#include "fightback/abuse/ranking.hpp"
#include "fightback/abuse/rdap_answer.hpp"
#include "fightback/abuse/whois_answer.hpp"

namespace fightback::abuse {

struct RegistryAnswer {
    std::string registry;                       // the server that answered
    RegistryId answered_by = RegistryId::unknown;
    RegistryId space_holder = RegistryId::unknown;
    std::optional<IpRange> range;
    std::string network_name; // the range's name at the registry (RDAP name, WHOIS netname)
    std::vector<Evidence> evidence;
    std::vector<std::string> notes;

    // An abuse mailbox that is valid and not a placeholder (remarks do not count).
    bool has_abuse_mailbox() const;
};

// Scores of the registry sources (see docs/contacts-json.md).
inline constexpr int score_rdap_direct = 85;  // abuse entity directly on the network
inline constexpr int score_rdap_nested = 80;  // abuse entity under another entity
inline constexpr int score_secondary = 40;    // further e-mails of the same abuse entity
inline constexpr int score_remark = 30;       // an address in a remark

RegistryAnswer answer_from_rdap(const RdapNetwork& network, std::string_view host);
RegistryAnswer answer_from_whois(const WhoisAnswer& answer, std::string_view server);

// RDAP had no usable mailbox and WHOIS was asked: one answer from both.
RegistryAnswer merge_answers(RegistryAnswer rdap, RegistryAnswer whois);

nlohmann::json to_json(const RegistryAnswer& answer);
std::optional<RegistryAnswer> registry_answer_from_json(const nlohmann::json& json);

} // namespace fightback::abuse
