// Ranking: merge by address, score by the strongest source plus agreement, then decide.
#include "fightback/abuse/ranking.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "fightback/abuse/mailbox.hpp"

namespace fightback::abuse {

std::string_view source_name(Source source)
{
    switch (source) {
    case Source::rdap: return "rdap";
    case Source::rdap_remarks: return "rdap-remarks";
    case Source::whois: return "whois";
    case Source::whois_remarks: return "whois-remarks";
    case Source::dns_zone: return "dns-zone";
    case Source::domain: return "domain";
    }
    return "unknown";
}

int source_group(Source source)
{
    switch (source) {
    case Source::rdap:
    case Source::rdap_remarks:
    case Source::whois:
    case Source::whois_remarks: return 0;
    case Source::dns_zone: return 1;
    case Source::domain: return 2;
    }
    return 3;
}

Decision rank(const std::vector<Evidence>& evidence, const RankContext& context)
{
    struct Merged {
        std::string address;
        int best = 0;
        std::set<int> groups;
        std::vector<Source> sources;
        std::vector<std::string> reasons;
        std::optional<std::string> placeholder;
        std::size_t first_seen = 0;
    };
    Decision d;
    std::map<std::string, Merged> merged;
    std::size_t order = 0;
    for (const auto& e : evidence) {
        auto normalized = normalize_mailbox(e.address);
        if (!normalized) {
            if (d.rejected.size() < 32)
                d.rejected.push_back(
                    fmt::format("{}: {}", source_name(e.source), normalized.error().message));
            continue;
        }
        auto& m = merged[mailbox_key(*normalized)];
        if (m.address.empty()) {
            m.address = *normalized;
            m.first_seen = order++;
            // Registry data carries the registry context; the DNS zone and the domain route
            // are judged as if no registry vouched for the space.
            m.placeholder = placeholder_reason(*normalized, context.answered_by,
                                               context.space_holder);
        }
        m.best = std::max(m.best, e.score);
        m.groups.insert(source_group(e.source));
        if (std::find(m.sources.begin(), m.sources.end(), e.source) == m.sources.end())
            m.sources.push_back(e.source);
        if (m.reasons.size() < 6 &&
            std::find(m.reasons.begin(), m.reasons.end(), e.reason) == m.reasons.end())
            m.reasons.push_back(e.reason);
    }
    std::vector<Candidate> list;
    std::vector<std::size_t> seen;
    std::vector<std::set<int>> groups;
    for (auto& [key, m] : merged) {
        Candidate c;
        c.address = m.address;
        for (auto s : m.sources)
            c.source += (c.source.empty() ? "" : "+") + std::string(source_name(s));
        std::string reason;
        for (const auto& r : m.reasons)
            reason += (reason.empty() ? "" : "; ") + r;
        if (m.placeholder) {
            c.score = 0;
            c.reason = fmt::format("never used: {} ({})", *m.placeholder, reason);
        } else {
            const int bonus = agreement_bonus * static_cast<int>(m.groups.size() - 1);
            c.score = std::min(100, m.best + bonus);
            c.reason = bonus > 0 ? fmt::format("{}; {} independent sources agree", reason,
                                               m.groups.size())
                                 : reason;
        }
        list.push_back(std::move(c));
        seen.push_back(m.first_seen);
        groups.push_back(m.groups);
    }
    std::vector<std::size_t> index(list.size());
    for (std::size_t i = 0; i < index.size(); ++i)
        index[i] = i;
    std::stable_sort(index.begin(), index.end(), [&](std::size_t a, std::size_t b) {
        if (list[a].score != list[b].score)
            return list[a].score > list[b].score;
        return seen[a] < seen[b];
    });
    for (auto i : index)
        d.candidates.push_back(list[i]);

    if (d.candidates.empty() || d.candidates.front().score < automatic_threshold) {
        d.automatic = false;
        d.why = d.candidates.empty() || d.candidates.front().score == 0
                    ? "no automatic complaint: no usable abuse contact was published"
                    : fmt::format("no automatic complaint: the best candidate scores {} (below {})",
                                  d.candidates.front().score, automatic_threshold);
        return d;
    }
    d.automatic = true;
    d.to.push_back(d.candidates.front().address);
    const auto& top_groups = groups[index.front()];
    for (std::size_t k = 1; k < index.size() && d.cc.size() < max_cc; ++k) {
        const auto& c = list[index[k]];
        // CC only a party the To address does not already speak for: another source group.
        bool independent = false;
        for (int g : groups[index[k]])
            if (!top_groups.count(g))
                independent = true;
        if (c.score >= cc_threshold && independent)
            d.cc.push_back(c.address);
    }
    d.why = fmt::format("To {} (score {})", d.to.front(), d.candidates.front().score);
    return d;
}

} // namespace fightback::abuse
