// From a loaded message to a Trace: collect the Received fields (bounded), add the optional
// synthetic hop from originating-IP headers, parse, walk the trust, look for forgery.
#include "fightback/trace/trace.hpp"

#include <chrono>

#include <fmt/format.h>

#include "fightback/trace/received_parser.hpp"

namespace fightback::trace {
namespace {

std::optional<net::IpAddress> first_ip_in(std::string_view text)
{
    // The first token that parses as an address, brackets and punctuation stripped.
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto start = text.find_first_of("0123456789abcdefABCDEF:[", pos);
        if (start == std::string_view::npos)
            break;
        auto end = text.find_first_not_of("0123456789abcdefABCDEF:.[]", start);
        auto token = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (auto ip = net::IpAddress::parse_lenient(token))
            return ip;
        pos = end == std::string_view::npos ? text.size() : end;
    }
    return std::nullopt;
}

} // namespace

std::optional<net::IpAddress> Trace::origin_ip() const
{
    const Hop* hop = origin_hop();
    return hop ? hop->ip : std::nullopt;
}

Trace trace_message(const mail::Message& message, const TraceOptions& options)
{
    Trace trace;
    auto received = message.fields("Received");
    std::vector<Warning> early;
    if (received.size() > max_hops) {
        early.push_back({std::nullopt, fmt::format("{} Received lines; only the newest {} are read",
                                                   received.size(), max_hops)});
        received.resize(max_hops);
    }
    trace.hops.reserve(received.size() + 1);
    for (const auto* field : received)
        parse_received(field->unfolded, trace.hops.emplace_back());

    for (const auto& name : options.trust.originating_ip_headers) {
        auto value = message.header(name);
        if (!value)
            continue;
        auto ip = first_ip_in(*value);
        if (!ip)
            continue;
        Hop hop;
        hop.kind = HopKind::handover;
        hop.ip = ip;
        hop.reason = fmt::format("synthetic hop from the {} header", name);
        trace.hops.push_back(std::move(hop));
        break;
    }

    trace.walk = walk_trust(trace.hops, options.trust);
    trace.walk.warnings.insert(trace.walk.warnings.begin(), early.begin(), early.end());
    auto now = options.now ? *options.now
                           : std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    check_forgery(trace, now, options.trust.assume_routable);
    return trace;
}

std::optional<std::int64_t> arrival_time(const Trace& trace)
{
    if (const Hop* origin = trace.origin_hop(); origin && origin->date)
        return origin->date;
    // Lines above the origin were written by our servers; with no origin, the trusted ones.
    const std::size_t ours = trace.walk.origin ? *trace.walk.origin : trace.hops.size();
    for (std::size_t i = 0; i < trace.hops.size(); ++i) {
        const bool believed = i < ours || (i < trace.walk.verdicts.size() &&
                                           trace.walk.verdicts[i].trusted);
        if (!believed)
            break;
        if (trace.hops[i].date)
            return trace.hops[i].date;
    }
    return std::nullopt;
}

std::optional<std::int64_t> newest_received_date(const mail::Message& message)
{
    constexpr std::size_t looked_at = 8; // the top lines are ours; a date is on one of them
    std::size_t n = 0;
    for (const auto* field : message.fields("Received")) {
        if (++n > looked_at)
            break;
        if (auto hop = parse_received(field->unfolded); hop.date)
            return hop.date;
    }
    return std::nullopt;
}

} // namespace fightback::trace
