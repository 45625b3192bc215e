// Reading an RDAP `ip network` answer (RFC 9083): the range it covers, the entities whose roles
// contain "abuse" wherever they are nested, their e-mail, and, only as a flagged fallback,
// addresses written in remarks. Registry JSON is hostile: size, depth and counts are bounded,
// and an error object (RFC 9083 section 6) becomes an Error carrying its text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fightback/abuse/ip_range.hpp"
#include "fightback/abuse/jcard.hpp"
#include "fightback/abuse/registry.hpp"
#include "fightback/util/error.hpp"

namespace fightback::abuse {

inline constexpr std::size_t max_json_depth = 32;
inline constexpr std::size_t max_entities = 256;
inline constexpr int max_entity_nesting = 8;

struct AbuseEntity {
    std::string handle;
    int depth = 0;                 // 0: directly on the network; 1: under another entity ...
    std::vector<JcardEmail> emails; // best first
    std::optional<std::string> self_url; // where to fetch it when it came without e-mail
};

struct RdapNetwork {
    std::optional<IpRange> range;
    std::string handle;
    std::string name;
    std::string port43;
    std::vector<AbuseEntity> abuse;
    std::vector<std::string> remark_mailboxes; // from remarks that speak of abuse or spam
    RegistryId holder = RegistryId::unknown;    // the registrant, when it is a registry
    std::vector<std::string> notes;             // what was odd, in words
};

// Parses a body into JSON: must be an object, no deeper than max_json_depth. An RDAP error
// object comes back as an Error (not_found for errorCode 404, else parse).
Expected<nlohmann::json> parse_rdap_body(std::string_view body);

Expected<RdapNetwork> read_ip_network(const nlohmann::json& answer);

// The e-mails of an entity object fetched by its self link, best first.
std::vector<JcardEmail> read_entity_emails(const nlohmann::json& entity);

} // namespace fightback::abuse
