// The outbox: complaints in the ledger move queued -> sending -> handed -> sent, or to
// deferred (retried with exponential backoff) or failed (a permanent refusal, or given up;
// kept, and `outbox retry` queues it again). Each move is a committed transaction, and the
// report's bytes and Message-ID are fixed before the first attempt, so:
//  - a crash before the end of the message was handed over leaves "sending": the server
//    cannot have accepted it, and the next run sends it (the first copy the server sees);
//  - a crash after that, before the server's answer was recorded, leaves "handed": whether
//    the server accepted it is unknowable (RFC 1047); the next run sends it again with the
//    same Message-ID (or, configured so, assumes it was sent). docs/reports.md explains.
// Only one process sends at a time (a lock file beside the ledger).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fightback/ledger/ledger.hpp"
#include "fightback/report/complaints.hpp"
#include "fightback/send/transport.hpp"

namespace fightback::send {

// More new complaints than this due in one automatic run are held ([send] burst_limit).
inline constexpr int default_burst_limit = 20;

enum class UnknownOutcome : std::uint8_t { resend, assume_sent };

struct OutboxOptions {
    std::chrono::milliseconds retry_base{5 * 60 * 1000}; // first deferral's wait
    std::chrono::milliseconds retry_max{4 * 3600 * 1000};
    int max_attempts = 12;            // then failed ("given up")
    int per_recipient_limit = 20;     // reports to one recipient per window; 0 = unlimited
    std::chrono::milliseconds per_recipient_window{3600 * 1000};
    UnknownOutcome unknown_outcome = UnknownOutcome::resend;
    std::string envelope_from;        // validated (the reporter's address by default)
    std::optional<std::filesystem::path> lock_file;
    std::chrono::milliseconds lock_wait{30'000};
    std::function<std::int64_t()> clock; // milliseconds since the epoch; the system clock if empty
};

struct OutboxEntry {
    std::int64_t id = 0;
    std::string state;
    std::string source_ip;
    std::string recipient;
    std::string cc;
    std::string feedback_type;
    std::string message_id;
    int attempts = 0;
    int incidents = 0;      // in the report
    int late_incidents = 0; // arrived after it was composed, in its period
    std::int64_t created_ms = 0;
    std::int64_t next_attempt_ms = 0;
    std::optional<std::int64_t> sent_ms;
    std::optional<std::string> last_error;
    std::optional<std::string> note;
};

struct FlushItem {
    std::int64_t id = 0;
    std::string recipient;
    std::string outcome; // sent, deferred, failed, dropped, waiting, would-send ...
    std::string detail;
};

struct FlushSummary {
    int sent = 0;
    int deferred = 0;
    int failed = 0;
    int dropped = 0;
    int waiting = 0;   // held back by the per-recipient rate limit
    int recovered = 0; // left behind by a run that stopped
    int held = 0;      // new complaints not sent: more than the burst limit were due at once
    std::vector<FlushItem> items;
};

class Outbox {
public:
    // `transport` may be null for list/retry/drop and dry runs.
    Outbox(const ledger::Ledger& ledger, const report::Complaints& complaints,
           Transport* transport, OutboxOptions options);

    // Sends what is due (only `only`, when given). A dry run changes nothing and says what
    // would happen. With a `burst_limit` (the automatic runs: scan, watch), when more
    // complaints that were never tried are due than the limit, none of them is sent: they stay
    // queued (`held`) for the user to look at and send knowingly; retries still go.
    Expected<FlushSummary> flush(std::optional<std::int64_t> only = std::nullopt,
                                 bool dry_run = false, int burst_limit = 0);
    // Complaints left in sending/handed by a run that died; flush does this first.
    Expected<int> recover();

    Expected<std::vector<OutboxEntry>> list(bool include_finished = true) const;
    Expected<std::optional<OutboxEntry>> get(std::int64_t id) const;
    // The composed report (empty when not composed yet).
    Expected<std::string> body(std::int64_t id) const;
    // Failed, deferred, dropped or queued: queued and due now, attempts counted afresh.
    Expected<void> retry(std::int64_t id);
    // Never send it (kept as dropped).
    Expected<void> drop(std::int64_t id);

private:
    std::int64_t now() const;
    Expected<int> recover_locked();
    Expected<FlushItem> attempt(std::int64_t id, bool dry_run, FlushSummary& summary);

    const ledger::Ledger& m_ledger;
    const report::Complaints& m_complaints;
    Transport* m_transport;
    OutboxOptions m_options;
};

} // namespace fightback::send
