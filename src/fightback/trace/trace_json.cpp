// Trace -> JSON. Every hop carries every key so consumers never test for presence.
#include "fightback/trace/trace_json.hpp"

namespace fightback::trace {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& value)
{
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

const char* kind_name(HopKind kind)
{
    switch (kind) {
    case HopKind::handover: return "handover";
    case HopKind::skipped: return "skipped";
    case HopKind::fetch: return "fetch";
    case HopKind::unparseable: return "unparseable";
    }
    return "unparseable";
}

} // namespace

nlohmann::json to_json(const Trace& trace)
{
    // Strings from mail may hold invalid UTF-8; dump() is told to replace, not throw.
    nlohmann::json hops = nlohmann::json::array();
    for (std::size_t i = 0; i < trace.hops.size(); ++i) {
        const Hop& h = trace.hops[i];
        const HopVerdict& v = trace.walk.verdicts[i];
        hops.push_back({
            {"ip", h.ip ? nlohmann::json(h.ip->to_string()) : or_null(h.ip_text)},
            {"rdns", or_null(h.rdns)},
            {"helo", or_null(h.helo)},
            {"by", or_null(h.by)},
            {"ident", or_null(h.ident)},
            {"envfrom", or_null(h.envfrom)},
            {"id", or_null(h.id)},
            {"for", or_null(h.for_addr)},
            {"with", or_null(h.protocol)},
            {"auth", or_null(h.auth)},
            {"date", or_null(h.date)},
            {"kind", kind_name(h.kind)},
            {"skipped", h.kind != HopKind::handover},
            {"trusted", v.considered ? nlohmann::json(v.trusted) : nlohmann::json(nullptr)},
            {"internal", v.considered ? nlohmann::json(v.internal) : nlohmann::json(nullptr)},
            {"msa", v.msa},
            {"reason", v.reason},
        });
    }
    nlohmann::json origin = nullptr;
    if (auto ip = trace.origin_ip())
        origin = {{"ip", ip->to_string()},
                  {"hop", *trace.walk.origin},
                  {"routable", trace.origin_routable}};
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : trace.walk.warnings)
        warnings.push_back({{"hop", or_null(w.hop)}, {"text", w.text}});
    return {{"origin", origin}, {"hops", hops}, {"warnings", warnings}};
}

} // namespace fightback::trace
