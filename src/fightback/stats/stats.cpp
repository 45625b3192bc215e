// Computing the statistics from the ledger. Counts are grouped in SQL where a GROUP BY says it
// plainly; the per-source effect needs every sighting's time, so those rows come back whole and
// are walked here. Every query is read-only and runs under the ledger's mutex.
#include "fightback/stats/stats.hpp"

#include <algorithm>
#include <ctime>
#include <functional>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "fightback/ledger/statement.hpp"

namespace fightback::stats {
namespace {

using ledger::Statement;

// Days from the first to the last with data; a longer span (a clock gone wrong) is cut.
constexpr std::int64_t max_days = 3660;

Expected<void> each_row(sqlite3* db, std::string_view sql,
                        const std::function<void(const Statement&)>& row)
{
    auto stmt = Statement::prepare(db, sql);
    if (!stmt)
        return std::unexpected(stmt.error());
    for (;;) {
        auto more = stmt->step();
        if (!more)
            return std::unexpected(more.error());
        if (!*more)
            return {};
        row(*stmt);
    }
}

struct Network {
    std::string range;
    std::string name;
    std::string registry;
};

struct SourceFacts {
    std::vector<std::int64_t> seen_ms; // every message from it
    std::int64_t first_sent_ms = -1;   // the first complaint that left
    std::int64_t sent = 0;
    std::int64_t failed = 0;
    std::int64_t replies = 0;
    std::int64_t answered = 0;
    std::int64_t bounced = 0;
    std::int64_t unresolved = 0;         // incidents with no contact
    std::int64_t first_unresolved_ms = -1;
};

struct ComplaintReplies {
    std::int64_t count = 0;
    bool answered = false;
    bool bounced = false;
};

class Collector {
public:
    Collector(sqlite3* db, const StatsOptions& options) : m_db(db), m_options(options) {}

    Expected<Stats> run()
    {
        for (auto step : {&Collector::day_counts, &Collector::sightings, &Collector::networks,
                          &Collector::complaints, &Collector::incidents_without_contact,
                          &Collector::reply_summary}) {
            if (auto r = (this->*step)(); !r)
                return std::unexpected(r.error());
        }
        finish_days();
        groups();
        effect();
        return std::move(m_stats);
    }

private:
    DayCounts& day(std::int64_t day_number)
    {
        auto& d = m_days[day_number];
        return d;
    }

    Expected<void> count_per_day(std::string_view sql, std::int64_t DayCounts::*field)
    {
        return each_row(m_db, sql, [&](const Statement& s) {
            day(s.column_int(0)).*field += s.column_int(1);
        });
    }

    Expected<void> day_counts()
    {
        struct Query {
            std::string_view sql;
            std::int64_t DayCounts::*field;
        };
        const Query queries[] = {
            {"SELECT first_seen / 86400, count(*) FROM messages WHERE first_seen >= 0 "
             "GROUP BY 1",
             &DayCounts::scanned},
            {"SELECT m.first_seen / 86400, count(DISTINCT m.id) FROM messages m "
             "JOIN verdicts v ON v.message = m.id "
             "WHERE m.first_seen >= 0 AND v.action NOT IN ('none', 'clean') GROUP BY 1",
             &DayCounts::detections},
            {"SELECT coalesce(sent_ms, updated_ms) / 86400000, count(*) FROM complaints "
             "WHERE state = 'sent' AND coalesce(sent_ms, updated_ms) >= 0 GROUP BY 1",
             &DayCounts::complaints_sent},
            {"SELECT started_ms / 86400000, count(*) FROM deliveries "
             "WHERE outcome = 'deferred' AND started_ms >= 0 GROUP BY 1",
             &DayCounts::complaints_deferred},
            {"SELECT updated_ms / 86400000, count(*) FROM complaints "
             "WHERE state = 'failed' AND updated_ms >= 0 GROUP BY 1",
             &DayCounts::complaints_failed},
            {"SELECT arrival / 86400, count(*) FROM incidents "
             "WHERE disposition = 'no-contact' AND arrival >= 0 GROUP BY 1",
             &DayCounts::unresolved},
            {"SELECT received_ms / 86400000, count(*) FROM replies WHERE received_ms >= 0 "
             "GROUP BY 1",
             &DayCounts::replies},
        };
        for (const auto& q : queries) {
            if (auto r = count_per_day(q.sql, q.field); !r)
                return r;
        }
        return each_row(m_db,
                        "SELECT m.first_seen / 86400, v.name, count(DISTINCT m.id) "
                        "FROM messages m JOIN verdicts v ON v.message = m.id "
                        "WHERE m.first_seen >= 0 AND v.action NOT IN ('none', 'clean') "
                        "GROUP BY 1, 2",
                        [&](const Statement& s) {
                            day(s.column_int(0)).detections_by_name[s.column_text(1)] +=
                                s.column_int(2);
                        });
    }

    // Every message from a source: its incidents (at arrival), and traced messages that never
    // became an incident (at first sight).
    Expected<void> sightings()
    {
        return each_row(m_db,
                        "SELECT source_ip, arrival * 1000 FROM incidents "
                        "UNION ALL "
                        "SELECT t.origin_ip, m.first_seen * 1000 FROM traces t "
                        "JOIN messages m ON m.id = t.message WHERE t.origin_ip IS NOT NULL "
                        "AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.message = t.message)",
                        [&](const Statement& s) {
                            m_sources[s.column_text(0)].seen_ms.push_back(s.column_int(1));
                        });
    }

    // What the registry said about each source: the source_networks table first, else the
    // range and registry in the contacts decision stored for one of its messages.
    Expected<void> networks()
    {
        auto r = each_row(
            m_db,
            "SELECT t.origin_ip, json_extract(c.decision, '$.range'), "
            "json_extract(c.decision, '$.registry') FROM traces t "
            "JOIN message_contacts c ON c.message = t.message "
            "WHERE t.origin_ip IS NOT NULL AND json_valid(c.decision) "
            "AND json_type(c.decision) = 'object' ORDER BY c.at, c.message",
            [&](const Statement& s) {
                auto range = s.column_optional_text(1);
                if (!range || range->empty())
                    return;
                m_networks[s.column_text(0)] = Network{*range, "", s.column_text(2)};
            });
        if (!r)
            return r;
        return each_row(m_db, "SELECT source_ip, range, name, registry FROM source_networks",
                        [&](const Statement& s) {
                            auto& n = m_networks[s.column_text(0)];
                            if (auto range = s.column_optional_text(1); range && !range->empty())
                                n.range = *range;
                            if (auto name = s.column_optional_text(2); name)
                                n.name = *name;
                            if (auto registry = s.column_optional_text(3); registry)
                                n.registry = *registry;
                        });
    }

    Expected<void> complaints()
    {
        std::map<std::int64_t, ComplaintReplies> replies;
        auto r = each_row(m_db,
                          "SELECT complaint, kind FROM replies WHERE complaint IS NOT NULL",
                          [&](const Statement& s) {
                              auto& c = replies[s.column_int(0)];
                              ++c.count;
                              if (s.column_text(1) == "bounce")
                                  c.bounced = true;
                              else
                                  c.answered = true;
                          });
        if (!r)
            return r;
        return each_row(m_db,
                        "SELECT id, source_ip, state, coalesce(sent_ms, updated_ms) "
                        "FROM complaints ORDER BY id",
                        [&](const Statement& s) {
                            auto& src = m_sources[s.column_text(1)];
                            const auto state = s.column_text(2);
                            const auto it = replies.find(s.column_int(0));
                            if (it != replies.end())
                                src.replies += it->second.count;
                            if (state == "failed")
                                ++src.failed;
                            if (state != "sent")
                                return;
                            ++src.sent;
                            const auto at = s.column_int(3);
                            if (src.first_sent_ms < 0 || at < src.first_sent_ms)
                                src.first_sent_ms = at;
                            if (it != replies.end()) {
                                src.answered += it->second.answered ? 1 : 0;
                                src.bounced += it->second.bounced ? 1 : 0;
                            }
                        });
    }

    Expected<void> incidents_without_contact()
    {
        return each_row(m_db,
                        "SELECT source_ip, min(arrival) * 1000, count(*) FROM incidents "
                        "WHERE disposition = 'no-contact' GROUP BY source_ip",
                        [&](const Statement& s) {
                            auto& src = m_sources[s.column_text(0)];
                            src.first_unresolved_ms = s.column_int(1);
                            src.unresolved = s.column_int(2);
                        });
    }

    Expected<void> reply_summary()
    {
        return each_row(m_db,
                        "SELECT kind, count(*), count(complaint) FROM replies GROUP BY kind",
                        [&](const Statement& s) {
                            m_stats.replies.by_kind[s.column_text(0)] = s.column_int(1);
                            m_stats.replies.total += s.column_int(1);
                            m_stats.replies.matched += s.column_int(2);
                        });
    }

    void finish_days()
    {
        if (m_days.empty())
            return;
        const auto last = m_days.rbegin()->first;
        const auto first = std::max(m_days.begin()->first, last - max_days + 1);
        for (auto d = first; d <= last; ++d) {
            DayCounts counts = m_days.count(d) ? m_days[d] : DayCounts{};
            counts.day = utc_day(d * ms_per_day);
            m_stats.days.push_back(std::move(counts));
        }
    }

    Network network_of(const std::string& ip) const
    {
        auto it = m_networks.find(ip);
        Network n = it == m_networks.end() ? Network{} : it->second;
        if (n.range.empty())
            n.range = "unknown";
        if (n.registry.empty())
            n.registry = "unknown";
        return n;
    }

    static void add(GroupCounts& g, const SourceFacts& src)
    {
        ++g.sources;
        g.messages += static_cast<std::int64_t>(src.seen_ms.size());
        g.complaints_sent += src.sent;
        g.complaints_failed += src.failed;
        g.unresolved += src.unresolved;
        g.replies += src.replies;
        g.answered += src.answered;
        g.bounced += src.bounced;
    }

    void groups()
    {
        std::map<std::string, GroupCounts> networks;
        std::map<std::string, GroupCounts> registries;
        for (const auto& [ip, src] : m_sources) {
            const auto n = network_of(ip);
            auto& net = networks[n.range];
            net.key = n.range;
            if (net.name.empty())
                net.name = n.name;
            if (net.registry.empty() || net.registry == "unknown")
                net.registry = n.registry;
            add(net, src);
            auto& reg = registries[n.registry];
            reg.key = n.registry;
            add(reg, src);
            m_stats.complaints_sent += src.sent;
            m_stats.complaints_answered += src.answered;
        }
        auto finish = [](std::map<std::string, GroupCounts>& in, std::vector<GroupCounts>& out) {
            for (auto& [key, g] : in) {
                g.reply_rate = g.complaints_sent
                                   ? static_cast<double>(g.answered) /
                                         static_cast<double>(g.complaints_sent)
                                   : 0.0;
                out.push_back(std::move(g));
            }
            std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
                return a.messages > b.messages;
            });
        };
        finish(networks, m_stats.networks);
        finish(registries, m_stats.registries);
    }

    void effect()
    {
        const std::int64_t window = std::int64_t{m_options.quiet_days} * ms_per_day;
        int curve = m_options.curve_days > 0 ? m_options.curve_days
                                             : std::max(14, 2 * m_options.quiet_days);
        curve = std::min(curve, 366);
        std::vector<SourceEffect> complained;
        std::vector<SourceEffect> unresolved;
        // Per curve day: sources observed that long, and of those the ones still sending.
        std::vector<std::int64_t> seen_c(curve + 1), active_c(curve + 1);
        std::vector<std::int64_t> seen_u(curve + 1), active_u(curve + 1);
        for (auto& [ip, src] : m_sources) {
            const bool was_complained = src.first_sent_ms >= 0;
            if (!was_complained && src.first_unresolved_ms < 0)
                continue;
            SourceEffect e;
            e.source_ip = ip;
            const auto n = network_of(ip);
            e.network = n.range;
            e.registry = n.registry;
            e.complained = was_complained;
            e.reference_ms = was_complained ? src.first_sent_ms : src.first_unresolved_ms;
            std::int64_t last_after = -1;
            for (auto t : src.seen_ms) {
                e.last_ms = std::max(e.last_ms, t);
                if (t <= e.reference_ms) {
                    ++e.before;
                } else {
                    ++e.after;
                    last_after = std::max(last_after, t);
                }
            }
            if (last_after >= 0)
                e.days_to_last = static_cast<double>(last_after - e.reference_ms) /
                                 static_cast<double>(ms_per_day);
            auto& share = was_complained ? m_stats.complained : m_stats.unresolved;
            ++share.sources;
            if (m_options.now_ms - e.reference_ms >= window) {
                ++share.observed;
                e.quiet = last_after <= e.reference_ms + window ? Quiet::yes : Quiet::no;
                if (e.quiet == Quiet::yes)
                    ++share.quiet;
            }
            auto& seen = was_complained ? seen_c : seen_u;
            auto& active = was_complained ? active_c : active_u;
            for (int d = 0; d <= curve; ++d) {
                const auto cut = e.reference_ms + std::int64_t{d} * ms_per_day;
                if (m_options.now_ms < cut)
                    break;
                ++seen[d];
                if (last_after > cut)
                    ++active[d];
            }
            (was_complained ? complained : unresolved).push_back(std::move(e));
        }
        for (auto* share : {&m_stats.complained, &m_stats.unresolved})
            share->share = share->observed ? static_cast<double>(share->quiet) /
                                                 static_cast<double>(share->observed)
                                           : 0.0;
        for (int d = 0; d <= curve; ++d) {
            m_stats.active_complained.push_back(
                seen_c[d] ? static_cast<double>(active_c[d]) / static_cast<double>(seen_c[d])
                          : -1.0);
            m_stats.active_unresolved.push_back(
                seen_u[d] ? static_cast<double>(active_u[d]) / static_cast<double>(seen_u[d])
                          : -1.0);
        }
        m_stats.sources = std::move(complained);
        std::move(unresolved.begin(), unresolved.end(), std::back_inserter(m_stats.sources));
    }

    sqlite3* m_db;
    StatsOptions m_options;
    Stats m_stats;
    std::map<std::int64_t, DayCounts> m_days;
    std::map<std::string, SourceFacts> m_sources;
    std::map<std::string, Network> m_networks;
};

} // namespace

std::string utc_day(std::int64_t ms)
{
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string_view to_string(Quiet quiet)
{
    switch (quiet) {
    case Quiet::yes:
        return "yes";
    case Quiet::no:
        return "no";
    case Quiet::too_early:
        break;
    }
    return "too-early";
}

Expected<Stats> compute(const ledger::Ledger& ledger, const StatsOptions& options)
{
    std::lock_guard lock(ledger.mutex());
    Collector collector(ledger.db(), options);
    auto stats = collector.run();
    if (stats) {
        stats->now_ms = options.now_ms;
        stats->quiet_days = options.quiet_days;
    }
    return stats;
}

} // namespace fightback::stats
