// Message history rows (migration 2). Statements are bound, never pasted; the ledger's mutex
// serialises threads sharing the connection.
#include "fightback/ledger/message_log.hpp"

#include <functional>
#include <memory>
#include <mutex>

#include <glib.h>

#include "fightback/ledger/statement.hpp"
#include "fightback/util/text.hpp"
#include "fightback/util/utf8.hpp"

namespace fightback::ledger {
namespace {

struct ChecksumFree {
    void operator()(GChecksum* c) const { g_checksum_free(c); }
};

// One statement in its own transaction.
Expected<void> run_one(const Ledger& ledger, std::string_view sql,
                       const std::function<void(Statement&)>& bind)
{
    std::lock_guard lock(ledger.mutex());
    Transaction tx(ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto stmt = Statement::prepare(ledger.db(), sql);
    if (!stmt)
        return std::unexpected(stmt.error());
    bind(*stmt);
    if (auto r = stmt->run(); !r)
        return r;
    return tx.commit();
}

} // namespace

std::string content_hash(std::string_view bytes)
{
    std::unique_ptr<GChecksum, ChecksumFree> sum(g_checksum_new(G_CHECKSUM_SHA256));
    // g_checksum_update takes a gssize; feed large inputs in slices.
    constexpr std::size_t slice = 1u << 30;
    for (std::size_t at = 0; at < bytes.size(); at += slice) {
        const auto n = std::min(slice, bytes.size() - at);
        g_checksum_update(sum.get(), reinterpret_cast<const guchar*>(bytes.data() + at),
                          static_cast<gssize>(n));
    }
    return g_checksum_get_string(sum.get());
}

std::string stored_text(std::string_view text, std::size_t max_bytes)
{
    const std::string escaped = printable(text.substr(0, max_bytes));
    return std::string(utf8::truncate(utf8::clean(escaped), max_bytes));
}

Expected<SeenMessage> note_message_in(sqlite3* db, const MessageFacts& facts, std::int64_t now)
{
    auto find = Statement::prepare(db, "SELECT id FROM messages WHERE content_hash = ?1");
    if (!find)
        return std::unexpected(find.error());
    find->bind(1, facts.content_hash);
    auto row = find->step();
    if (!row)
        return std::unexpected(row.error());
    SeenMessage seen;
    if (*row) {
        seen.id = find->column_int(0);
        auto touch = Statement::prepare(db, "UPDATE messages SET last_seen = ?2 WHERE id = ?1");
        if (!touch)
            return std::unexpected(touch.error());
        touch->bind(1, seen.id).bind(2, now);
        if (auto r = touch->run(); !r)
            return std::unexpected(r.error());
        return seen;
    }
    auto insert = Statement::prepare(db, "INSERT INTO messages (content_hash, message_id, size, "
                                         "location, first_seen, last_seen) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?5)");
    if (!insert)
        return std::unexpected(insert.error());
    std::optional<std::string> id;
    if (facts.message_id)
        id = stored_text(*facts.message_id);
    std::optional<std::string> where;
    if (facts.location)
        where = stored_text(*facts.location, 4096);
    insert->bind(1, facts.content_hash).bind(2, id);
    insert->bind(3, static_cast<std::int64_t>(facts.size)).bind(4, where).bind(5, now);
    if (auto r = insert->run(); !r)
        return std::unexpected(r.error());
    seen.id = last_insert_id(db);
    seen.first_time = true;
    return seen;
}

Expected<SeenMessage> MessageLog::note_message(const MessageFacts& facts, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto seen = note_message_in(m_ledger.db(), facts, now);
    if (!seen)
        return seen;
    if (auto r = tx.commit(); !r)
        return std::unexpected(r.error());
    return seen;
}

Expected<std::optional<std::int64_t>> MessageLog::find(std::string_view hash) const
{
    std::lock_guard lock(m_ledger.mutex());
    return select_one(
        m_ledger.db(), "SELECT id FROM messages WHERE content_hash = ?1",
        [&](Statement& s) { s.bind(1, hash); }, [](const Statement& s) { return s.column_int(0); });
}

Expected<void> MessageLog::note_verdict(std::int64_t message, std::string_view engine,
                                        std::string_view name, std::string_view action,
                                        std::int64_t now) const
{
    return run_one(m_ledger,
                   "INSERT INTO verdicts (message, at, engine, name, action) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)",
                   [&](Statement& s) {
                       s.bind(1, message).bind(2, now).bind(3, stored_text(engine, 64));
                       s.bind(4, stored_text(name, 256)).bind(5, stored_text(action, 64));
                   });
}

Expected<void> MessageLog::note_trace(std::int64_t message,
                                      const std::optional<net::IpAddress>& origin,
                                      std::string_view trace_json, std::int64_t now) const
{
    return run_one(m_ledger,
                   "INSERT OR REPLACE INTO traces (message, at, origin_ip, trace) "
                   "VALUES (?1, ?2, ?3, ?4)",
                   [&](Statement& s) {
                       s.bind(1, message).bind(2, now);
                       if (origin)
                           s.bind(3, origin->to_string());
                       else
                           s.bind_null(3);
                       s.bind(4, trace_json);
                   });
}

Expected<void> MessageLog::note_contacts(std::int64_t message, bool automatic,
                                         std::string_view decision_json, std::int64_t now) const
{
    return run_one(m_ledger,
                   "INSERT OR REPLACE INTO message_contacts (message, at, automatic, decision) "
                   "VALUES (?1, ?2, ?3, ?4)",
                   [&](Statement& s) {
                       s.bind(1, message).bind(2, now).bind(3, std::int64_t{automatic ? 1 : 0});
                       s.bind(4, decision_json);
                   });
}

Expected<void> MessageLog::note_move(std::int64_t message, std::string_view from,
                                     std::string_view to, std::int64_t now) const
{
    return run_one(m_ledger,
                   "INSERT INTO moves (message, at, from_path, to_path) VALUES (?1, ?2, ?3, ?4)",
                   [&](Statement& s) {
                       s.bind(1, message).bind(2, now).bind(3, stored_text(from, 4096));
                       s.bind(4, stored_text(to, 4096));
                   });
}

} // namespace fightback::ledger
