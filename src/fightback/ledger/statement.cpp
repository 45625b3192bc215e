// Thin RAII over sqlite3_stmt and BEGIN/COMMIT/ROLLBACK; errors carry SQLite's own message.
#include "fightback/ledger/statement.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fightback::ledger {

ErrorKind db_error_kind(sqlite3* db)
{
    switch (sqlite3_extended_errcode(db) & 0xff) {
    case SQLITE_BUSY:   // another process held the ledger for the whole busy timeout
    case SQLITE_LOCKED:
    case SQLITE_FULL:   // the disk (or the quota) is full: room may be made
        return ErrorKind::temporary;
    case SQLITE_IOERR: {
        // A write that failed for want of space (the -shm growing, a sync) is reported as an
        // I/O error; the errno says which.
        const int e = sqlite3_system_errno(db);
        return e == ENOSPC || e == EDQUOT ? ErrorKind::temporary : ErrorKind::io;
    }
    default:
        return ErrorKind::io;
    }
}

namespace {

Expected<void> exec(sqlite3* db, const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        Error e = db_error(db, sql);
        sqlite3_free(message);
        return std::unexpected(std::move(e));
    }
    return {};
}

} // namespace

Error db_error(sqlite3* db, std::string_view what)
{
    if (!db)
        return Error{ErrorKind::io, fmt::format("ledger: {}: out of memory", what)};
    // "disk I/O error" alone does not say a disk is full: the errno does.
    const int code = sqlite3_extended_errcode(db) & 0xff;
    const int e = code == SQLITE_IOERR || code == SQLITE_CANTOPEN ? sqlite3_system_errno(db) : 0;
    return Error{db_error_kind(db),
                 fmt::format("ledger: {}: {}{}", what, sqlite3_errmsg(db),
                             e ? fmt::format(" ({})", std::strerror(e)) : std::string())};
}

void Statement::Finalizer::operator()(sqlite3_stmt* s) const
{
    sqlite3_finalize(s);
}

Expected<Statement> Statement::prepare(sqlite3* db, std::string_view sql)
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(raw);
        return std::unexpected(db_error(db, "prepare"));
    }
    return Statement(db, raw);
}

Statement& Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt.get(), index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text)
{
    sqlite3_bind_text64(m_stmt.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                        SQLITE_UTF8);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text)
{
    if (!text)
        return bind_null(index);
    return bind(index, std::string_view(*text));
}

Statement& Statement::bind_blob(int index, std::string_view bytes)
{
    sqlite3_bind_blob64(m_stmt.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    return *this;
}

Statement& Statement::bind_null(int index)
{
    sqlite3_bind_null(m_stmt.get(), index);
    return *this;
}

Expected<bool> Statement::step()
{
    const int rc = sqlite3_step(m_stmt.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return std::unexpected(db_error(m_db, "step"));
}

Expected<void> Statement::run()
{
    for (;;) {
        auto more = step();
        if (!more)
            return std::unexpected(more.error());
        if (!*more)
            return {};
    }
}

void Statement::reset()
{
    sqlite3_reset(m_stmt.get());
    sqlite3_clear_bindings(m_stmt.get());
}

std::int64_t Statement::column_int(int index) const
{
    return sqlite3_column_int64(m_stmt.get(), index);
}

std::optional<std::int64_t> Statement::column_optional_int(int index) const
{
    if (column_is_null(index))
        return std::nullopt;
    return column_int(index);
}

std::string Statement::column_text(int index) const
{
    const auto* text = sqlite3_column_text(m_stmt.get(), index);
    const int size = sqlite3_column_bytes(m_stmt.get(), index);
    if (!text)
        return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::optional<std::string> Statement::column_optional_text(int index) const
{
    if (column_is_null(index))
        return std::nullopt;
    return column_text(index);
}

std::string Statement::column_blob(int index) const
{
    const void* data = sqlite3_column_blob(m_stmt.get(), index);
    const int size = sqlite3_column_bytes(m_stmt.get(), index);
    if (!data || size <= 0)
        return {};
    return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

bool Statement::column_is_null(int index) const
{
    return sqlite3_column_type(m_stmt.get(), index) == SQLITE_NULL;
}

Transaction::Transaction(sqlite3* db)
    : m_db(db), m_begun(exec(db, sqlite3_db_readonly(db, "main") == 1 ? "BEGIN" : "BEGIN IMMEDIATE"))
{
    m_open = m_begun.has_value();
}

Transaction::~Transaction()
{
    rollback();
}

Expected<void> Transaction::commit()
{
    if (!m_open)
        return fail(ErrorKind::invalid, "ledger: commit without a transaction");
    auto r = exec(m_db, "COMMIT");
    if (!r) {
        rollback();
        return r;
    }
    m_open = false;
    return {};
}

void Transaction::rollback()
{
    if (m_open) {
        (void)exec(m_db, "ROLLBACK");
        m_open = false;
    }
}

Expected<void> execute(sqlite3* db, std::string_view sql,
                       const std::function<void(Statement&)>& bind)
{
    auto s = Statement::prepare(db, sql);
    if (!s)
        return std::unexpected(s.error());
    bind(*s);
    return s->run();
}

std::int64_t last_insert_id(sqlite3* db)
{
    return sqlite3_last_insert_rowid(db);
}

int changes(sqlite3* db)
{
    return sqlite3_changes(db);
}

} // namespace fightback::ledger
