// The figures `fightback stats` shows, computed from the ledger: counts per day (UTC), per
// source network and per registry, and the effect of complaining: for each source complained
// about, its mail before and after the first complaint that left, set beside the sources nobody
// could be told about (no trustworthy contact), which are the natural comparison.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fightback/ledger/ledger.hpp"

namespace fightback::stats {

inline constexpr std::int64_t ms_per_day = 86'400'000;

struct DayCounts {
    std::string day; // YYYY-MM-DD, UTC
    std::int64_t scanned = 0;            // messages first seen that day
    std::int64_t detections = 0;         // of those seen that day, messages with a detection
    std::map<std::string, std::int64_t> detections_by_name;
    std::int64_t complaints_sent = 0;    // complaints that left that day
    std::int64_t complaints_deferred = 0; // delivery attempts that day that were deferred
    std::int64_t complaints_failed = 0;  // complaints that failed for good that day
    std::int64_t unresolved = 0;         // incidents that day nobody could be told about
    std::int64_t replies = 0;            // replies from abuse desks dated that day
};

// One source network (the range the registry returned) or one registry.
struct GroupCounts {
    std::string key;      // the range, or the registry; "unknown" when the ledger has none
    std::string name;     // the network's name at the registry (networks only; may be empty)
    std::string registry; // networks only
    std::int64_t sources = 0;
    std::int64_t messages = 0;
    std::int64_t complaints_sent = 0;
    std::int64_t complaints_failed = 0;
    std::int64_t unresolved = 0; // incidents with no contact
    std::int64_t replies = 0;    // every reply tied to a complaint about these sources
    std::int64_t answered = 0;   // sent complaints with at least one reply that is not a bounce
    std::int64_t bounced = 0;    // sent complaints that bounced
    double reply_rate = 0;       // answered / complaints_sent (0 when none were sent)
};

enum class Quiet { yes, no, too_early };

struct SourceEffect {
    std::string source_ip;
    std::string network; // the range, or "unknown"
    std::string registry;
    bool complained = false;        // false: unresolved (no complaint could be made)
    std::int64_t reference_ms = 0;  // the first complaint sent, or the first unresolved incident
    std::int64_t before = 0;        // messages at or before the reference
    std::int64_t after = 0;         // messages after it
    std::int64_t last_ms = 0;       // the last message seen from the source
    double days_to_last = 0;        // from the reference to the last message after it (0: none)
    Quiet quiet = Quiet::too_early; // silent from reference + quiet_days on
};

struct EffectShare {
    std::int64_t sources = 0;  // in the group
    std::int64_t observed = 0; // whose reference is at least quiet_days old
    std::int64_t quiet = 0;    // of those, the ones with no mail after reference + quiet_days
    double share = 0;          // quiet / observed (0 when none observed)
};

struct ReplySummary {
    std::map<std::string, std::int64_t> by_kind; // auto-reply, feedback-report, bounce, personal
    std::int64_t total = 0;
    std::int64_t matched = 0; // tied to a complaint
};

struct Stats {
    std::int64_t now_ms = 0;
    int quiet_days = 7;
    std::vector<DayCounts> days; // oldest first, every day from the first to the last with data
    std::vector<GroupCounts> networks;
    std::vector<GroupCounts> registries;
    std::vector<SourceEffect> sources; // complained first, then unresolved; by address
    EffectShare complained;
    EffectShare unresolved;
    // Share of sources still sending d days after their reference, d = 0 .. size-1, among
    // sources observed for at least d days (-1 when none were).
    std::vector<double> active_complained;
    std::vector<double> active_unresolved;
    ReplySummary replies;
    std::int64_t complaints_sent = 0;
    std::int64_t complaints_answered = 0;
};

struct StatsOptions {
    std::int64_t now_ms = 0; // the clock: figures are as of this moment
    int quiet_days = 7;
    int curve_days = 0;      // length of the "still active" curves; 0: 2 * quiet_days, >= 14
};

Expected<Stats> compute(const ledger::Ledger& ledger, const StatsOptions& options);

// "YYYY-MM-DD" of a time in milliseconds since the epoch, UTC.
std::string utc_day(std::int64_t ms);
std::string_view to_string(Quiet quiet);

} // namespace fightback::stats
