// The outbox's administration: listing complaints with their counts, reading a composed
// report, and the hand-made moves (retry queues again, drop keeps one from ever going).
#include "fightback/send/outbox.hpp"

#include <mutex>

#include <fmt/format.h>

#include "fightback/ledger/statement.hpp"

namespace fightback::send {
namespace {

using ledger::Statement;
using ledger::select_one;
using ledger::Transaction;

constexpr std::string_view entry_columns =
    "c.id, c.state, c.source_ip, c.recipient, c.cc, c.feedback_type, c.message_id, c.attempts, "
    "c.created_ms, c.next_attempt_ms, c.sent_ms, c.last_error, c.note, "
    "(SELECT count(*) FROM incidents i WHERE i.complaint = c.id AND i.disposition = 'reported'), "
    "(SELECT count(*) FROM incidents i WHERE i.complaint = c.id AND i.disposition = 'late')";

OutboxEntry read_entry(const Statement& s)
{
    OutboxEntry e;
    e.id = s.column_int(0);
    e.state = s.column_text(1);
    e.source_ip = s.column_text(2);
    e.recipient = s.column_text(3);
    e.cc = s.column_text(4);
    e.feedback_type = s.column_text(5);
    e.message_id = s.column_text(6);
    e.attempts = static_cast<int>(s.column_int(7));
    e.created_ms = s.column_int(8);
    e.next_attempt_ms = s.column_int(9);
    e.sent_ms = s.column_optional_int(10);
    e.last_error = s.column_optional_text(11);
    e.note = s.column_optional_text(12);
    e.incidents = static_cast<int>(s.column_int(13));
    e.late_incidents = static_cast<int>(s.column_int(14));
    return e;
}

// A hand-made change of a complaint that is neither sent nor being sent, in one transaction:
// `update` binds ?1 to the id and ?2 to the time.
Expected<void> change_by_hand(const ledger::Ledger& ledger, std::int64_t id, std::int64_t now_ms,
                              std::string_view update)
{
    std::lock_guard guard(ledger.mutex());
    Transaction tx(ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto found = select_one(
        ledger.db(), "SELECT state FROM complaints WHERE id = ?1",
        [&](Statement& s) { s.bind(1, id); }, [](const Statement& s) { return s.column_text(0); });
    if (!found)
        return std::unexpected(found.error());
    if (!*found)
        return fail(ErrorKind::not_found, fmt::format("no complaint {}", id));
    const std::string& state = **found;
    if (state == "sent")
        return fail(ErrorKind::invalid, fmt::format("complaint {} was sent already", id));
    if (state == "sending" || state == "handed")
        return fail(ErrorKind::invalid, fmt::format("complaint {} is being sent", id));
    auto r = ledger::execute(ledger.db(), update,
                             [&](Statement& u) { u.bind(1, id).bind(2, now_ms); });
    if (!r)
        return r;
    return tx.commit();
}

} // namespace

Expected<std::vector<OutboxEntry>> Outbox::list(bool include_finished) const
{
    std::lock_guard guard(m_ledger.mutex());
    auto s = Statement::prepare(
        m_ledger.db(),
        fmt::format("SELECT {} FROM complaints c {} ORDER BY c.id", entry_columns,
                    include_finished ? "" : "WHERE c.state NOT IN ('sent', 'dropped')"));
    if (!s)
        return std::unexpected(s.error());
    std::vector<OutboxEntry> out;
    for (;;) {
        auto row = s->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        out.push_back(read_entry(*s));
    }
    return out;
}

Expected<std::optional<OutboxEntry>> Outbox::get(std::int64_t id) const
{
    std::lock_guard guard(m_ledger.mutex());
    return select_one(
        m_ledger.db(), fmt::format("SELECT {} FROM complaints c WHERE c.id = ?1", entry_columns),
        [&](Statement& s) { s.bind(1, id); }, read_entry);
}

Expected<std::string> Outbox::body(std::int64_t id) const
{
    std::lock_guard guard(m_ledger.mutex());
    auto found = select_one(
        m_ledger.db(), "SELECT body FROM complaints WHERE id = ?1",
        [&](Statement& s) { s.bind(1, id); }, [](const Statement& s) { return s.column_blob(0); });
    if (!found)
        return std::unexpected(found.error());
    if (!*found)
        return fail(ErrorKind::not_found, fmt::format("no complaint {}", id));
    return std::move(**found);
}

Expected<void> Outbox::retry(std::int64_t id)
{
    return change_by_hand(m_ledger, id, now(),
                          "UPDATE complaints SET state = 'queued', attempts = 0, "
                          "next_attempt_ms = ?2, updated_ms = ?2, note = 'queued again by hand' "
                          "WHERE id = ?1");
}

Expected<void> Outbox::drop(std::int64_t id)
{
    return change_by_hand(m_ledger, id, now(),
                          "UPDATE complaints SET state = 'dropped', updated_ms = ?2, "
                          "note = 'dropped by hand' WHERE id = ?1");
}

} // namespace fightback::send
