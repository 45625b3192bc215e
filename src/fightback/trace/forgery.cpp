// Signs that the Received chain below the trust boundary was made up: the chain test (each
// line's `by` host should be the host the newer line says handed the message on), an origin
// that cannot be on the Internet, and dates that run backwards or into the future.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "fightback/trace/received_scan.hpp"
#include "fightback/trace/trace.hpp"

namespace fightback::trace {
namespace {

// Clocks of real relays drift; an hour of slack keeps honest chains quiet.
constexpr std::int64_t date_slack = 3600;
constexpr std::int64_t future_slack = 24 * 3600;

// The name without the dots that end a fully qualified one.
std::string_view without_root(std::string_view name)
{
    while (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    return name;
}

// For the warning text: the names are compared case-insensitively but shown in lower case.
std::string lower_name(std::string_view name)
{
    std::string out(without_root(name));
    std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// The last labels that name an organisation, without the Public Suffix List: two labels, or
// three under a short second-level label of a country code (co.uk, com.au).
std::string_view organisation(std::string_view name)
{
    auto last = name.rfind('.');
    if (last == std::string_view::npos || last == 0)
        return name;
    auto second = name.rfind('.', last - 1);
    if (second == std::string_view::npos)
        return name;
    bool cc_tld = name.size() - last - 1 == 2;
    bool short_sld = last - second - 1 <= 3;
    if (cc_tld && short_sld) {
        auto third = name.rfind('.', second - 1);
        return third == std::string_view::npos || second == 0 ? name : name.substr(third + 1);
    }
    return name.substr(second + 1);
}

bool qualified(std::string_view name)
{
    return name.find('.') != std::string_view::npos;
}

// Does `by` (the host that wrote the older line, without its root dot) belong with the sender
// the newer line names? Compared in place, case-insensitively: no copies for the common case.
// How the newer line named its sender, for a warning.
std::string_view sender_name(const Hop& hop)
{
    return hop.rdns ? hop.rdns->view() : hop.helo ? hop.helo->view() : std::string_view("?");
}

bool by_matches_sender(std::string_view by, const Hop& newer)
{
    if (newer.ip) {
        if (auto literal = net::IpAddress::parse_lenient(by); literal && *literal == *newer.ip)
            return true;
    }
    for (const auto* name : {&newer.rdns, &newer.helo}) {
        if (!name->has_value())
            continue;
        const std::string_view n = without_root(**name);
        if (detail::iequals(n, by) ||
            (qualified(n) && detail::iequals(organisation(n), organisation(by))))
            return true;
    }
    return false;
}

} // namespace

void check_forgery(Trace& trace, std::int64_t now, const net::NetworkSet& assume_routable)
{
    auto& warnings = trace.walk.warnings;
    const auto& hops = trace.hops;

    if (const Hop* origin = trace.origin_hop()) {
        trace.origin_routable = origin->ip && (!origin->ip->is_special_purpose() ||
                                               assume_routable.contains(*origin->ip));
        if (!origin->ip)
            warnings.push_back({trace.walk.origin, "the first untrusted hop has no readable IP: "
                                                   "the origin cannot be named"});
        else if (!trace.origin_routable)
            warnings.push_back(
                {trace.walk.origin,
                 fmt::format("the origin {} is a private or reserved address (RFC 6890): the true "
                             "origin cannot be known from these headers",
                             origin->ip->to_string())});

        // The chain test, from the boundary down: lines there were written by untrusted hosts.
        std::size_t newer = *trace.walk.origin;
        for (std::size_t i = newer + 1; i < hops.size(); ++i) {
            if (hops[i].kind != HopKind::handover)
                continue;
            const std::string_view by =
                without_root(hops[i].by ? std::string_view(*hops[i].by) : std::string_view{});
            if (qualified(by) && (hops[newer].rdns || hops[newer].helo || hops[newer].ip) &&
                !by_matches_sender(by, hops[newer]))
                warnings.push_back(
                    {i, fmt::format("chain broken: this line was written by '{}', but the newer "
                                    "line says the message came from {} ({})",
                                    lower_name(by),
                                    hops[newer].ip ? hops[newer].ip->to_string() : "?",
                                    sender_name(hops[newer]))});
            newer = i;
        }
    }

    // Dates: each older line should not be later than the newer one, nor in the future.
    std::optional<std::int64_t> newer_date;
    std::size_t newer_index = 0;
    for (std::size_t i = 0; i < hops.size(); ++i) {
        if (!hops[i].date)
            continue;
        std::int64_t date = *hops[i].date;
        if (date > now + future_slack)
            warnings.push_back({i, "dated in the future"});
        else if (newer_date && date > *newer_date + date_slack)
            warnings.push_back(
                {i, fmt::format("dated {} minutes after the newer line {}: dates go backwards",
                                (date - *newer_date) / 60, newer_index)});
        newer_date = date;
        newer_index = i;
    }
}

} // namespace fightback::trace
