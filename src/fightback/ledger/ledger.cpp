// Opening the SQLite ledger and bringing its schema up to date.
#include "fightback/ledger/ledger.hpp"

#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <sqlite3.h>

namespace fightback::ledger {
namespace {

Error sqlite_error(sqlite3* db, std::string_view what)
{
    return Error{ErrorKind::io, fmt::format("ledger: {}: {}", what, db ? sqlite3_errmsg(db) : "?")};
}

Expected<SqliteHandle> open_handle(const std::string& name)
{
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(name.c_str(), &raw,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                             nullptr);
    SqliteHandle db(raw);
    if (rc != SQLITE_OK)
        return std::unexpected(sqlite_error(raw, fmt::format("cannot open {}", name)));
    sqlite3_busy_timeout(raw, 5000);
    return db;
}

} // namespace

void SqliteCloser::operator()(sqlite3* db) const
{
    sqlite3_close_v2(db);
}

Expected<Ledger> Ledger::open(const std::filesystem::path& path)
{
    return open(path, migrations());
}

Expected<Ledger> Ledger::open(const std::filesystem::path& path, std::span<const Migration> steps)
{
    std::error_code ec;
    if (path.has_parent_path())
        std::filesystem::create_directories(path.parent_path(), ec);
    auto db = open_handle(path.string());
    if (!db)
        return std::unexpected(db.error());
    Ledger ledger(std::move(*db));
    if (auto r = ledger.exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"); !r)
        return std::unexpected(r.error());
    if (auto r = ledger.migrate(steps); !r)
        return std::unexpected(r.error());
    return ledger;
}

Expected<Ledger> Ledger::open_in_memory()
{
    auto db = open_handle(":memory:");
    if (!db)
        return std::unexpected(db.error());
    Ledger ledger(std::move(*db));
    if (auto r = ledger.migrate(migrations()); !r)
        return std::unexpected(r.error());
    return ledger;
}

Expected<void> Ledger::exec(std::string_view sql) const
{
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : "unknown error";
        sqlite3_free(message);
        return fail(ErrorKind::io, "ledger: " + why);
    }
    return {};
}

Expected<int> Ledger::schema_version() const
{
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(m_db.get(), "SELECT max(version) FROM schema_version", -1, &raw,
                           nullptr) != SQLITE_OK)
        return std::unexpected(sqlite_error(m_db.get(), "schema_version"));
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, sqlite3_finalize);
    int version = 0;
    if (sqlite3_step(raw) == SQLITE_ROW)
        version = sqlite3_column_int(raw, 0);
    return version;
}

Expected<void> Ledger::migrate(std::span<const Migration> steps) const
{
    std::lock_guard lock(*m_mutex);
    if (auto r = exec("BEGIN IMMEDIATE;"); !r)
        return r;
    auto rollback = [this](Error e) -> Expected<void> {
        (void)exec("ROLLBACK;");
        return std::unexpected(std::move(e));
    };
    if (auto r = exec("CREATE TABLE IF NOT EXISTS schema_version ("
                      " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                      " applied_at INTEGER NOT NULL);");
        !r)
        return rollback(r.error());
    auto current = schema_version();
    if (!current)
        return rollback(current.error());
    int expected = 1;
    for (const auto& step : steps) {
        if (step.version != expected++)
            return rollback(Error{ErrorKind::invalid, "ledger: migrations are out of order"});
    }
    if (!steps.empty() && *current > steps.back().version)
        return rollback(Error{ErrorKind::invalid,
                              fmt::format("ledger: schema version {} is newer than this "
                                          "fightback knows ({})",
                                          *current, steps.back().version)});
    for (const auto& step : steps) {
        if (step.version <= *current)
            continue;
        if (auto r = exec(step.sql); !r)
            return rollback(Error{ErrorKind::io, fmt::format("ledger: migration {} ({}): {}",
                                                             step.version, step.name,
                                                             r.error().message)});
        auto record = fmt::format("INSERT INTO schema_version VALUES ({}, '{}', strftime('%s','now'));",
                                  step.version, std::string(step.name));
        if (step.name.find('\'') != std::string_view::npos)
            return rollback(Error{ErrorKind::invalid, "ledger: a migration name holds a quote"});
        if (auto r = exec(record); !r)
            return rollback(r.error());
    }
    return exec("COMMIT;");
}

std::optional<std::filesystem::path> default_ledger_path()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "fightback" / "ledger.sqlite";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "fightback" / "ledger.sqlite";
    return std::nullopt;
}

} // namespace fightback::ledger
