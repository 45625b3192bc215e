// The outbox's state machine over the complaints table. The ledger's mutex is held for each
// transaction only, never across a delivery, so other threads can keep recording incidents
// while a report is on the wire.
#include "fightback/send/outbox.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/ledger/statement.hpp"
#include "fightback/util/text.hpp"

namespace fightback::send {
namespace {

using ledger::Statement;
using ledger::Transaction;

// An exclusive flock held for the object's life; released by the kernel if we die.
class FileLock {
public:
    static Expected<FileLock> acquire(const std::filesystem::path& path,
                                      std::chrono::milliseconds wait)
    {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return fail(ErrorKind::io, fmt::format("cannot open the outbox lock {}: {}",
                                                   path.string(), std::strerror(errno)));
        FileLock lock(fd);
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR)
                return fail(ErrorKind::io, fmt::format("cannot lock {}: {}", path.string(),
                                                       std::strerror(errno)));
            if (std::chrono::steady_clock::now() >= deadline)
                return fail(ErrorKind::temporary,
                            "another fightback is sending from this ledger; try again later");
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return lock;
    }
    FileLock(FileLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    FileLock& operator=(FileLock&&) = delete;
    ~FileLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }

private:
    explicit FileLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

} // namespace

Outbox::Outbox(const ledger::Ledger& ledger, const report::Complaints& complaints,
               Transport* transport, OutboxOptions options)
    : m_ledger(ledger), m_complaints(complaints), m_transport(transport),
      m_options(std::move(options))
{
}

std::int64_t Outbox::now() const
{
    if (m_options.clock)
        return m_options.clock();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Expected<int> Outbox::recover()
{
    std::optional<FileLock> lock;
    if (m_options.lock_file) {
        auto l = FileLock::acquire(*m_options.lock_file, m_options.lock_wait);
        if (!l)
            return std::unexpected(l.error());
        lock.emplace(std::move(*l));
    }
    return recover_locked();
}

Expected<int> Outbox::recover_locked()
{
    std::lock_guard guard(m_ledger.mutex());
    sqlite3* db = m_ledger.db();
    Transaction tx(db);
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    const std::int64_t t = now();
    const bool assume_sent = m_options.unknown_outcome == UnknownOutcome::assume_sent;
    // Deliveries that never finished: interrupted before the hand-over, unknown after it.
    auto r = ledger::execute(
        db,
        "UPDATE deliveries SET finished_ms = ?1, outcome = CASE (SELECT state FROM complaints c "
        "WHERE c.id = deliveries.complaint) WHEN 'handed' THEN 'unknown' ELSE 'interrupted' END, "
        "detail = 'the sending run stopped before recording an answer' "
        "WHERE outcome IS NULL",
        [&](Statement& s) { s.bind(1, t); });
    if (!r)
        return std::unexpected(r.error());
    r = ledger::execute(db,
                   "UPDATE complaints SET state = 'queued', next_attempt_ms = ?1, updated_ms = ?1, "
                   "note = 'a run stopped before handing it over (the server cannot have "
                   "accepted it); sent again' WHERE state = 'sending'",
                   [&](Statement& s) { s.bind(1, t); });
    if (!r)
        return std::unexpected(r.error());
    int recovered = ledger::changes(db);
    if (assume_sent)
        r = ledger::execute(db,
                       "UPDATE complaints SET state = 'sent', sent_ms = updated_ms, "
                       "updated_ms = ?1, note = 'outcome unknown: a run stopped after handing it "
                       "over, before the answer was recorded; assumed sent' "
                       "WHERE state = 'handed'",
                       [&](Statement& s) { s.bind(1, t); });
    else
        r = ledger::execute(db,
                       "UPDATE complaints SET state = 'queued', next_attempt_ms = ?1, "
                       "updated_ms = ?1, note = 'outcome unknown: a run stopped after handing it "
                       "over, before the answer was recorded; sent again with the same "
                       "Message-ID' WHERE state = 'handed'",
                       [&](Statement& s) { s.bind(1, t); });
    if (!r)
        return std::unexpected(r.error());
    recovered += ledger::changes(db);
    if (auto c = tx.commit(); !c)
        return std::unexpected(c.error());
    return recovered;
}

Expected<FlushSummary> Outbox::flush(std::optional<std::int64_t> only, bool dry_run, int burst_limit)
{
    if (!dry_run && !m_transport)
        return fail(ErrorKind::invalid, "no transport configured for sending");
    std::optional<FileLock> lock;
    if (m_options.lock_file && !dry_run) {
        auto l = FileLock::acquire(*m_options.lock_file, m_options.lock_wait);
        if (!l)
            return std::unexpected(l.error());
        lock.emplace(std::move(*l));
    }
    FlushSummary summary;
    if (!dry_run) {
        auto recovered = recover_locked();
        if (!recovered)
            return std::unexpected(recovered.error());
        summary.recovered = *recovered;
    }
    std::vector<std::int64_t> due;
    std::vector<bool> untried;
    {
        std::lock_guard guard(m_ledger.mutex());
        auto s = Statement::prepare(
            m_ledger.db(),
            only ? "SELECT id, attempts FROM complaints WHERE state IN ('queued', 'deferred') "
                   "AND next_attempt_ms <= ?1 AND id = ?2"
                 : "SELECT id, attempts FROM complaints WHERE state IN ('queued', 'deferred') "
                   "AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, id");
        if (!s)
            return std::unexpected(s.error());
        s->bind(1, now());
        if (only)
            s->bind(2, *only);
        for (;;) {
            auto row = s->step();
            if (!row)
                return std::unexpected(row.error());
            if (!*row)
                break;
            due.push_back(s->column_int(0));
            untried.push_back(s->column_int(1) == 0);
        }
    }
    const auto fresh = std::count(untried.begin(), untried.end(), true);
    if (burst_limit > 0 && fresh > burst_limit) {
        std::vector<std::int64_t> retries;
        for (std::size_t i = 0; i < due.size(); ++i)
            if (!untried[i])
                retries.push_back(due[i]);
        due = std::move(retries);
        summary.held = static_cast<int>(fresh);
    }
    for (std::int64_t id : due) {
        auto item = attempt(id, dry_run, summary);
        if (!item)
            return std::unexpected(item.error());
        if (!item->outcome.empty())
            summary.items.push_back(std::move(*item));
    }
    return summary;
}

Expected<FlushItem> Outbox::attempt(std::int64_t id, bool dry_run, FlushSummary& summary)
{
    sqlite3* db = m_ledger.db();
    FlushItem item;
    item.id = id;
    std::string body;
    std::vector<std::string> recipients;
    std::int64_t delivery = 0;
    int attempts = 0;
    // Claim: checks, composition (the bytes are fixed from here on), state "sending".
    {
        std::lock_guard guard(m_ledger.mutex());
        Transaction tx(db);
        if (!tx.begun())
            return std::unexpected(tx.begun().error());
        auto s = Statement::prepare(db, "SELECT state, next_attempt_ms, source_ip, recipient, cc, "
                                        "body IS NULL, attempts FROM complaints WHERE id = ?1");
        if (!s)
            return std::unexpected(s.error());
        s->bind(1, id);
        auto row = s->step();
        if (!row)
            return std::unexpected(row.error());
        const std::int64_t t = now();
        if (!*row)
            return item;
        const std::string state = s->column_text(0);
        if ((state != "queued" && state != "deferred") || s->column_int(1) > t)
            return item; // someone else moved it meanwhile
        const std::string source = s->column_text(2);
        item.recipient = s->column_text(3);
        const std::string cc = s->column_text(4);
        const bool needs_body = s->column_int(5) != 0;
        attempts = static_cast<int>(s->column_int(6));

        const auto& suppression = m_complaints.restraint().suppression;
        std::optional<std::string> suppressed = suppression.address_reason(item.recipient);
        if (auto ip = net::IpAddress::parse(source); ip && !suppressed)
            suppressed = suppression.network_reason(*ip);
        if (suppressed) {
            item.outcome = dry_run ? "would-drop" : "dropped";
            item.detail = *suppressed;
            ++summary.dropped;
            if (dry_run)
                return item;
            auto r = ledger::execute(db,
                                "UPDATE complaints SET state = 'dropped', updated_ms = ?2, "
                                "note = ?3 WHERE id = ?1",
                                [&](Statement& u) { u.bind(1, id).bind(2, t).bind(3, *suppressed); });
            if (!r)
                return std::unexpected(r.error());
            if (auto c = tx.commit(); !c)
                return std::unexpected(c.error());
            return item;
        }
        if (m_options.per_recipient_limit > 0) {
            const std::int64_t window = m_options.per_recipient_window.count();
            auto count = Statement::prepare(
                db, "SELECT count(*), min(sent_ms) FROM complaints WHERE recipient = ?1 AND "
                    "((state = 'sent' AND sent_ms > ?2) OR state IN ('sending', 'handed'))");
            if (!count)
                return std::unexpected(count.error());
            count->bind(1, item.recipient).bind(2, t - window);
            if (auto c = count->step(); !c)
                return std::unexpected(c.error());
            if (count->column_int(0) >= m_options.per_recipient_limit) {
                const std::int64_t oldest = count->column_optional_int(1).value_or(t);
                const std::int64_t next = std::max(oldest + window, t + 1000);
                item.outcome = "waiting";
                item.detail = fmt::format("{} reports to {} in the last {} s; next at {}",
                                          count->column_int(0), item.recipient, window / 1000,
                                          next);
                ++summary.waiting;
                if (dry_run)
                    return item;
                auto r = ledger::execute(db,
                                    "UPDATE complaints SET next_attempt_ms = ?2 WHERE id = ?1",
                                    [&](Statement& u) { u.bind(1, id).bind(2, next); });
                if (!r)
                    return std::unexpected(r.error());
                if (auto c = tx.commit(); !c)
                    return std::unexpected(c.error());
                return item;
            }
        }
        if (dry_run) {
            item.outcome = "would-send";
            item.detail = cc.empty() ? "" : fmt::format("cc {}", cc);
            return item;
        }
        if (needs_body) {
            auto composed = report::compose_complaint(db, id, m_complaints.compose_options(), t);
            if (!composed) {
                auto r = ledger::execute(db,
                                    "UPDATE complaints SET state = 'failed', updated_ms = ?2, "
                                    "last_error = ?3 WHERE id = ?1",
                                    [&](Statement& u) {
                                        u.bind(1, id).bind(2, t).bind(
                                            3, "cannot compose: " + composed.error().message);
                                    });
                if (!r)
                    return std::unexpected(r.error());
                if (auto c = tx.commit(); !c)
                    return std::unexpected(c.error());
                item.outcome = "failed";
                item.detail = composed.error().message;
                ++summary.failed;
                return item;
            }
            auto r = ledger::execute(db,
                                "UPDATE complaints SET body = ?2, composed_ms = ?3, sample = NULL "
                                "WHERE id = ?1",
                                [&](Statement& u) {
                                    u.bind(1, id).bind_blob(2, *composed).bind(3, t);
                                });
            if (!r)
                return std::unexpected(r.error());
        }
        auto r = ledger::execute(db,
                            "UPDATE complaints SET state = 'sending', attempts = attempts + 1, "
                            "updated_ms = ?2 WHERE id = ?1",
                            [&](Statement& u) { u.bind(1, id).bind(2, t); });
        if (!r)
            return std::unexpected(r.error());
        r = ledger::execute(db,
                       "INSERT INTO deliveries (complaint, started_ms, transport) "
                       "VALUES (?1, ?2, ?3)",
                       [&](Statement& u) {
                           u.bind(1, id).bind(2, t).bind(3, m_transport->describe());
                       });
        if (!r)
            return std::unexpected(r.error());
        delivery = ledger::last_insert_id(db);
        auto b = Statement::prepare(db, "SELECT body FROM complaints WHERE id = ?1");
        if (!b)
            return std::unexpected(b.error());
        b->bind(1, id);
        if (auto row2 = b->step(); !row2 || !*row2)
            return fail(ErrorKind::io, fmt::format("complaint {} lost its body", id));
        body = b->column_blob(0);
        if (auto c = tx.commit(); !c)
            return std::unexpected(c.error());
        recipients.push_back(item.recipient);
        for (auto& a : split_words(cc))
            recipients.push_back(std::move(a));
        ++attempts;
    }

    // The hand-over is recorded before the server can answer (see the header comment).
    HandedHook handed = [&]() -> bool {
        std::lock_guard guard(m_ledger.mutex());
        Transaction tx(db);
        if (!tx.begun())
            return false;
        auto r = ledger::execute(db,
                            "UPDATE complaints SET state = 'handed', updated_ms = ?2 "
                            "WHERE id = ?1 AND state = 'sending'",
                            [&](Statement& u) { u.bind(1, id).bind(2, now()); });
        return r && tx.commit();
    };
    const DeliveryResult result =
        m_transport->deliver(Envelope{m_options.envelope_from, recipients}, body, handed);

    std::lock_guard guard(m_ledger.mutex());
    Transaction tx(db);
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    const std::int64_t t = now();
    std::string state = std::string(status_name(result.status));
    std::string detail = result.detail;
    std::int64_t next = t;
    if (result.status == DeliveryStatus::deferred) {
        if (attempts >= m_options.max_attempts) {
            state = "failed";
            detail = fmt::format("given up after {} attempts; last: {}", attempts, result.detail);
        } else {
            const int shift = std::min(attempts - 1, 30);
            const auto wait = std::min<std::int64_t>(m_options.retry_base.count() << shift,
                                                     m_options.retry_max.count());
            next = t + std::max<std::int64_t>(wait, 0);
        }
    }
    auto r = ledger::execute(db,
                        "UPDATE deliveries SET finished_ms = ?2, outcome = ?3, code = ?4, "
                        "detail = ?5 WHERE id = ?1",
                        [&](Statement& u) {
                            u.bind(1, delivery).bind(2, t).bind(3, status_name(result.status));
                            u.bind(4, std::int64_t{result.code}).bind(5, result.detail);
                        });
    if (!r)
        return std::unexpected(r.error());
    if (state == "sent")
        r = ledger::execute(db,
                       "UPDATE complaints SET state = 'sent', sent_ms = ?2, updated_ms = ?2, "
                       "last_error = NULL WHERE id = ?1",
                       [&](Statement& u) { u.bind(1, id).bind(2, t); });
    else
        r = ledger::execute(db,
                       "UPDATE complaints SET state = ?2, updated_ms = ?3, next_attempt_ms = ?4, "
                       "last_error = ?5 WHERE id = ?1",
                       [&](Statement& u) {
                           u.bind(1, id).bind(2, state).bind(3, t).bind(4, next).bind(5, detail);
                       });
    if (!r)
        return std::unexpected(r.error());
    if (auto c = tx.commit(); !c)
        return std::unexpected(c.error());
    item.outcome = state;
    item.detail = detail;
    if (state == "sent")
        ++summary.sent;
    else if (state == "deferred")
        ++summary.deferred;
    else
        ++summary.failed;
    return item;
}

} // namespace fightback::send
