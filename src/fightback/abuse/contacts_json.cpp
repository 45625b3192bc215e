// The documented JSON shape of one address's contacts.
#include "fightback/abuse/contacts_json.hpp"

namespace fightback::abuse {

nlohmann::json to_json(const ContactResult& r)
{
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : r.decision.candidates)
        candidates.push_back({{"address", c.address},
                              {"source", c.source},
                              {"score", c.score},
                              {"reason", c.reason}});
    return {
        {"ip", r.ip.to_string()},
        {"to", r.decision.to},
        {"cc", r.decision.cc},
        {"automatic", r.decision.automatic},
        {"why", r.decision.why},
        {"candidates", candidates},
        {"registry", r.registry.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.registry)},
        {"range", r.range ? nlohmann::json(r.range->to_string()) : nlohmann::json(nullptr)},
        {"network", r.network_name.empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json(r.network_name)},
        {"cached", r.cached},
        {"retry_later", r.retry_later},
        {"notes", r.notes},
        {"errors", r.errors},
    };
}

} // namespace fightback::abuse
