// Trace -> JSON. Every hop carries every key so consumers never test for presence.
#include "fightback/trace/trace_json.hpp"

namespace fightback::trace {
namespace {

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

void write_hop(JsonWriter& w, const Hop& h, const HopVerdict& v)
{
    w.begin_object();
    if (h.ip)
        w.field("ip", h.ip->to_string());
    else
        w.field("ip", h.ip_text);
    w.field("rdns", h.rdns).field("helo", h.helo).field("by", h.by).field("ident", h.ident);
    w.field("envfrom", h.envfrom).field("id", h.id).field("for", h.for_addr);
    w.field("with", h.protocol).field("auth", h.auth).field("date", h.date);
    w.field("kind", kind_name(h.kind)).field("skipped", h.kind != HopKind::handover);
    w.key("trusted");
    v.considered ? w.value(v.trusted) : w.null();
    w.key("internal");
    v.considered ? w.value(v.internal) : w.null();
    w.field("msa", v.msa).field("reason", v.reason);
    w.end_object();
}

} // namespace

void write_json(JsonWriter& w, const Trace& trace, const TraceJsonExtras& extras)
{
    w.begin_object();
    if (extras.file)
        w.field("file", *extras.file);
    if (extras.index)
        w.field("index", *extras.index);
    w.key("origin");
    if (auto ip = trace.origin_ip())
        w.begin_object()
            .field("ip", ip->to_string())
            .field("hop", *trace.walk.origin)
            .field("routable", trace.origin_routable)
            .end_object();
    else
        w.null();
    w.key("hops").begin_array();
    for (std::size_t i = 0; i < trace.hops.size(); ++i)
        write_hop(w, trace.hops[i], trace.walk.verdicts[i]);
    w.end_array();
    w.key("warnings").begin_array();
    for (const auto& warning : trace.walk.warnings)
        w.begin_object().field("hop", warning.hop).field("text", warning.text).end_object();
    for (const auto& text : extras.message_warnings)
        w.begin_object().null_field("hop").field("text", text).end_object();
    w.end_array();
    w.end_object();
}

std::string to_json(const Trace& trace, const TraceJsonExtras& extras)
{
    std::string out;
    out.reserve(512 + 512 * trace.hops.size());
    JsonWriter w(out);
    write_json(w, trace, extras);
    return out;
}

} // namespace fightback::trace
