// The contact_cache table (ledger migration 1). Addresses are 16-byte big-endian blobs so
// SQLite's memcmp ordering is numeric ordering.
#include "fightback/abuse/contact_cache.hpp"

#include <memory>

#include <sqlite3.h>

namespace fightback::abuse {
namespace {

using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Expected<Statement> prepare(sqlite3* db, const char* sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
        return fail(ErrorKind::io, std::string("ledger: ") + sqlite3_errmsg(db));
    return Statement(raw, sqlite3_finalize);
}

void bind_ip(sqlite3_stmt* s, int index, const net::IpAddress& ip)
{
    sqlite3_bind_blob(s, index, ip.bytes().data(), 16, SQLITE_TRANSIENT);
}

int family(const net::IpAddress& ip)
{
    return ip.is_v4() ? 4 : 6;
}

} // namespace

std::optional<RegistryAnswer> ContactCache::find(const net::IpAddress& ip, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    auto stmt = prepare(m_ledger.db(),
                        "SELECT answer FROM contact_cache WHERE family = ?1 AND first_ip <= ?2 "
                        "AND last_ip >= ?2 AND expires_at > ?3 "
                        "ORDER BY first_ip DESC, last_ip ASC LIMIT 1");
    if (!stmt)
        return std::nullopt;
    sqlite3_stmt* s = stmt->get();
    sqlite3_bind_int(s, 1, family(ip));
    bind_ip(s, 2, ip);
    sqlite3_bind_int64(s, 3, now);
    if (sqlite3_step(s) != SQLITE_ROW)
        return std::nullopt;
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    if (!text)
        return std::nullopt;
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return std::nullopt;
    auto answer = registry_answer_from_json(json);
    // A row whose range does not hold the address (a corrupted row) is ignored.
    if (!answer || !answer->range || !answer->range->contains(ip))
        return std::nullopt;
    return answer;
}

Expected<void> ContactCache::store(const RegistryAnswer& answer, std::int64_t now,
                                   std::chrono::seconds ttl) const
{
    if (!answer.range)
        return {};
    std::lock_guard lock(m_ledger.mutex());
    auto stmt = prepare(m_ledger.db(),
                        "INSERT OR REPLACE INTO contact_cache (family, first_ip, last_ip, "
                        "registry, fetched_at, expires_at, answer) VALUES (?1, ?2, ?3, ?4, ?5, "
                        "?6, ?7)");
    if (!stmt)
        return std::unexpected(stmt.error());
    sqlite3_stmt* s = stmt->get();
    const std::string json = to_json(answer).dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
    sqlite3_bind_int(s, 1, family(answer.range->first));
    bind_ip(s, 2, answer.range->first);
    bind_ip(s, 3, answer.range->last);
    sqlite3_bind_text(s, 4, answer.registry.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 5, now);
    sqlite3_bind_int64(s, 6, now + ttl.count());
    sqlite3_bind_text(s, 7, json.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE)
        return fail(ErrorKind::io, std::string("ledger: ") + sqlite3_errmsg(m_ledger.db()));
    return {};
}

Expected<int> ContactCache::purge(std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    auto stmt = prepare(m_ledger.db(), "DELETE FROM contact_cache WHERE expires_at <= ?1");
    if (!stmt)
        return std::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, now);
    if (sqlite3_step(stmt->get()) != SQLITE_DONE)
        return fail(ErrorKind::io, std::string("ledger: ") + sqlite3_errmsg(m_ledger.db()));
    return sqlite3_changes(m_ledger.db());
}

} // namespace fightback::abuse
