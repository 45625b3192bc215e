// Opening the SQLite ledger (to write, to read, as a copy in memory) and bringing its schema up
// to date. The file is looked at before SQLite opens it (ledger_files.cpp), so a path that
// holds no ledger is never turned into one by a command that only reads.
#include "fightback/ledger/ledger.hpp"

#include <cstdlib>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "fightback/ledger/ledger_files.hpp"
#include "fightback/ledger/statement.hpp"

namespace fightback::ledger {
namespace {

Expected<SqliteHandle> open_handle(const std::string& name, int flags)
{
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(name.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    SqliteHandle db(raw);
    if (rc != SQLITE_OK)
        return std::unexpected(db_error(raw, fmt::format("cannot open {}", name)));
    sqlite3_busy_timeout(raw, 5000);
    return db;
}

Error newer_schema(int found, int known)
{
    return Error{ErrorKind::invalid,
                 fmt::format("ledger: schema version {} is newer than this fightback knows ({})",
                             found, known)};
}

Error no_ledger(const std::filesystem::path& path)
{
    return Error{ErrorKind::not_found, fmt::format("no ledger yet at {}", path.string())};
}

// What an opened file's schema says: std::nullopt for an empty database (no table at all), the
// version reached for a fightback ledger, an error for any other database.
Expected<std::optional<int>> stored_version(sqlite3* db, const std::filesystem::path& path)
{
    auto objects = select_one(
        db,
        "SELECT count(*), coalesce(sum(type = 'table' AND name = 'schema_version'), 0) "
        "FROM sqlite_master",
        [](Statement&) {},
        [](const Statement& s) { return std::pair{s.column_int(0), s.column_int(1)}; });
    if (!objects) {
        if ((sqlite3_extended_errcode(db) & 0xff) == SQLITE_NOTADB)
            return std::unexpected(files::not_a_ledger(path, "not an SQLite database"));
        return std::unexpected(objects.error());
    }
    const auto [count, has_versions] = objects->value_or(std::pair{0, 0});
    if (count == 0)
        return std::optional<int>{};
    if (has_versions == 0)
        return std::unexpected(
            files::not_a_ledger(path, "an SQLite database without fightback's tables"));
    auto version = select_one(
        db, "SELECT coalesce(max(version), 0) FROM schema_version", [](Statement&) {},
        [](const Statement& s) { return static_cast<int>(s.column_int(0)); });
    if (!version)
        return std::unexpected(version.error());
    return std::optional<int>{version->value_or(0)};
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
    auto facts = files::prepare_to_write(path);
    if (!facts)
        return std::unexpected(facts.error());
    // No SQLITE_OPEN_CREATE: the file is there, made 0600 when it was new.
    auto db = open_handle(path.string(), SQLITE_OPEN_READWRITE);
    if (!db)
        return std::unexpected(db.error());
    Ledger ledger(std::move(*db));
    ledger.m_permission_warning = files::permission_warning(path, *facts);
    // Before anything is written: a database of some other program is refused, not migrated.
    if (auto version = stored_version(ledger.db(), path); !version)
        return std::unexpected(version.error());
    if (auto r = ledger.exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"); !r)
        return std::unexpected(r.error());
    if (auto r = ledger.migrate(steps); !r)
        return std::unexpected(r.error());
    return ledger;
}

Expected<Ledger> Ledger::open_read_only(const std::filesystem::path& path)
{
    return open_read_only(path, migrations());
}

Expected<Ledger> Ledger::open_read_only(const std::filesystem::path& path,
                                        std::span<const Migration> steps)
{
    auto facts = files::inspect(path);
    if (!facts)
        return std::unexpected(facts.error());
    switch (facts->found) {
    case files::Found::missing:
    case files::Found::empty: return std::unexpected(no_ledger(path));
    case files::Found::other: return std::unexpected(files::not_a_ledger(path, "not an SQLite database"));
    case files::Found::sqlite: break;
    }
    // A reader of a WAL database works through the -wal log and its -shm index, which SQLite
    // creates beside the ledger when they are missing (and a reader never removes), or cannot
    // create in a folder this user may not write. With no log pending the file alone is the
    // whole ledger: it is read as immutable (no locks, no companions, nothing created). That
    // trusts no other run to write it meanwhile; one that starts and checkpoints during the
    // read can make this read fail or miscount, never harm the ledger. With a log pending (a
    // run has it open, or one was killed) the reader goes through the log and its index.
    const bool pending = files::wal_pending(path);
    bool no_index = false;
    auto attempt = [&](bool immutable) -> Expected<std::pair<SqliteHandle, std::optional<int>>> {
        auto db = open_handle(files::read_only_uri(path, immutable),
                              SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
        if (!db)
            return std::unexpected(db.error());
        auto version = stored_version(db->get(), path);
        if (!version) {
            const int code = sqlite3_extended_errcode(db->get()) & 0xff;
            no_index = code == SQLITE_READONLY || code == SQLITE_CANTOPEN;
            return std::unexpected(version.error());
        }
        return std::pair{std::move(*db), *version};
    };
    auto opened = attempt(!pending);
    if (!opened && no_index && pending)
        return fail(ErrorKind::io,
                    fmt::format("cannot read the ledger {}: {}-wal holds changes not yet in it, "
                                "and this user can neither open nor create {}-shm to read them "
                                "(the folder is not writable): read it as its owner, or after "
                                "the owner's fightback run has ended",
                                path.string(), path.string(), path.string()));
    if (!opened)
        return std::unexpected(opened.error());
    Ledger ledger(std::move(opened->first));
    ledger.m_permission_warning = files::permission_warning(path, *facts);
    if (!opened->second)
        return std::unexpected(no_ledger(path));
    const int version = *opened->second;
    const int known = steps.empty() ? 0 : steps.back().version;
    if (version > known)
        return std::unexpected(newer_schema(version, known));
    if (version == known)
        return ledger;
    // An older schema: its queries would miss tables and columns. The copy is upgraded; the
    // file stays as it is for the next command that records.
    auto copy = ledger.copy_to_memory();
    if (!copy)
        return std::unexpected(copy.error());
    if (auto r = copy->migrate(steps); !r)
        return std::unexpected(r.error());
    return copy;
}

Expected<Ledger> Ledger::open_copy(const std::filesystem::path& path)
{
    auto source = open_read_only(path);
    if (!source || !source->read_only()) // an error, or already a copy (an older schema)
        return source;
    return source->copy_to_memory();
}

Expected<Ledger> Ledger::open_in_memory()
{
    auto db = open_handle(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db)
        return std::unexpected(db.error());
    Ledger ledger(std::move(*db));
    if (auto r = ledger.migrate(migrations()); !r)
        return std::unexpected(r.error());
    return ledger;
}

Expected<Ledger> Ledger::copy_to_memory() const
{
    auto db = open_handle(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!db)
        return std::unexpected(db.error());
    {
        std::lock_guard lock(*m_mutex);
        std::unique_ptr<sqlite3_backup, decltype(&sqlite3_backup_finish)> backup(
            sqlite3_backup_init(db->get(), "main", m_db.get(), "main"), sqlite3_backup_finish);
        if (!backup)
            return std::unexpected(db_error(db->get(), "copy into memory"));
        const int rc = sqlite3_backup_step(backup.get(), -1);
        backup.reset(); // sets the outcome on the destination
        if (rc != SQLITE_DONE)
            return std::unexpected(db_error(db->get(), "copy into memory"));
    }
    Ledger copy(std::move(*db));
    copy.m_permission_warning = m_permission_warning;
    if (auto r = copy.exec("PRAGMA foreign_keys=ON;"); !r)
        return std::unexpected(r.error());
    return copy;
}

bool Ledger::read_only() const
{
    return sqlite3_db_readonly(m_db.get(), "main") == 1;
}

Expected<void> Ledger::exec(std::string_view sql) const
{
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(m_db.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : "unknown error";
        sqlite3_free(message);
        return fail(db_error_kind(m_db.get()), "ledger: " + why);
    }
    return {};
}

Expected<int> Ledger::schema_version() const
{
    auto version = select_one(
        m_db.get(), "SELECT max(version) FROM schema_version", [](Statement&) {},
        [](const Statement& s) { return static_cast<int>(s.column_int(0)); });
    if (!version)
        return std::unexpected(version.error());
    return version->value_or(0);
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
        return rollback(newer_schema(*current, steps.back().version));
    for (const auto& step : steps) {
        if (step.version <= *current)
            continue;
        if (auto r = exec(step.sql); !r)
            return rollback(Error{r.error().kind, fmt::format("ledger: migration {} ({}): {}",
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
