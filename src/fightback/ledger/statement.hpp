// Prepared statements and transactions on the ledger's connection, so callers write SQL with
// bound parameters (never text pasted into SQL) and every state change is one transaction:
// BEGIN IMMEDIATE takes the write lock up front, and a Transaction not committed rolls back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "fightback/util/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace fightback::ledger {

class Statement {
public:
    static Expected<Statement> prepare(sqlite3* db, std::string_view sql);

    // Parameters are 1-based, as in SQLite. Text and blobs are copied.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::optional<std::string>& text); // NULL when empty
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);

    // A row is available (true), or the statement is done (false); errors are values.
    Expected<bool> step();
    // Runs to completion, expecting no rows.
    Expected<void> run();
    void reset();

    std::int64_t column_int(int index) const;
    std::optional<std::int64_t> column_optional_int(int index) const;
    std::string column_text(int index) const; // NULL reads as empty
    std::optional<std::string> column_optional_text(int index) const;
    std::string column_blob(int index) const;
    bool column_is_null(int index) const;

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* s) const;
    };
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}

    sqlite3* m_db;
    std::unique_ptr<sqlite3_stmt, Finalizer> m_stmt;
};

// BEGIN IMMEDIATE on construction (check ok()); ROLLBACK on destruction unless committed.
// On a read-only connection a plain BEGIN: one consistent view for reads, and no write lock
// taken that would hold up the run that owns the ledger.
// The caller holds the ledger's mutex for the transaction's whole life.
class Transaction {
public:
    explicit Transaction(sqlite3* db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    const Expected<void>& begun() const { return m_begun; }
    Expected<void> commit();
    // Ends it without keeping anything (dry runs).
    void rollback();

private:
    sqlite3* m_db;
    Expected<void> m_begun;
    bool m_open = false;
};

// Prepares `sql`, lets `bind` bind its parameters, runs it to completion.
Expected<void> execute(sqlite3* db, std::string_view sql,
                       const std::function<void(Statement&)>& bind);

// The first row `sql` gives once `bind` has bound its parameters, as `read` makes it of the
// statement; std::nullopt when there is no row.
template <typename Read>
auto select_one(sqlite3* db, std::string_view sql, const std::function<void(Statement&)>& bind,
                Read read) -> Expected<std::optional<std::invoke_result_t<Read, const Statement&>>>
{
    using Row = std::invoke_result_t<Read, const Statement&>;
    auto s = Statement::prepare(db, sql);
    if (!s)
        return std::unexpected(s.error());
    bind(*s);
    auto row = s->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<Row>{};
    return std::optional<Row>{read(*s)};
}

// SQLite's last error on `db` as an Error ("ledger: WHAT: SQLite's message"). Temporary when a
// later try can succeed: the ledger busy or locked past the busy timeout, the disk or quota full
// (SQLITE_FULL, or an I/O error whose errno is ENOSPC/EDQUOT); io otherwise.
Error db_error(sqlite3* db, std::string_view what);
ErrorKind db_error_kind(sqlite3* db);

// The last insert's row id on this connection.
std::int64_t last_insert_id(sqlite3* db);
// Rows changed by the last statement.
int changes(sqlite3* db);

} // namespace fightback::ledger
