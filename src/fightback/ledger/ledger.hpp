// The ledger: fightback's state in one SQLite file ($XDG_DATA_HOME/fightback/ledger.sqlite).
// The schema is versioned: `schema_version` holds the version reached, and the migrations (an
// ordered list, each a step from the previous version) run at open inside a transaction. Later
// stages add their tables by appending a migration; nothing is ever edited in place.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fightback/util/error.hpp"

struct sqlite3;

namespace fightback::ledger {

struct Migration {
    int version;           // the version this step reaches: 1, 2, 3 ... in order
    std::string_view name; // what it adds, in words
    std::string_view sql;  // one or more statements
};

// The project's migrations, in order.
std::span<const Migration> migrations();

struct SqliteCloser {
    void operator()(sqlite3* db) const;
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

class Ledger {
public:
    // To write: creates the file (0600) and its missing folders (0700) when there is none,
    // refuses a file that is not a fightback ledger or that this user cannot write, migrates.
    // WAL mode.
    static Expected<Ledger> open(const std::filesystem::path& path);
    // To read (SQLITE_OPEN_READONLY): nothing is created or changed, not even the -wal and
    // -shm files a WAL reader would leave behind: with no write-ahead log pending the file is
    // read as immutable (in a folder this user cannot write too, as another user's ledger).
    // not_found ("no ledger yet at PATH") when there is none (no file, or one with nothing in
    // it); invalid for a file that is not a fightback ledger. A ledger from an older fightback
    // is read through a copy in memory brought up to date (the file itself is upgraded by the
    // next command that records).
    static Expected<Ledger> open_read_only(const std::filesystem::path& path);
    // A writable copy in memory of the ledger at `path`, read as open_read_only reads it, for a
    // preview that records and rolls back (`report` without --send or --queue). Costs memory
    // the size of the ledger.
    static Expected<Ledger> open_copy(const std::filesystem::path& path);
    static Expected<Ledger> open_in_memory();
    // With an explicit list of migrations (tests of the mechanism).
    static Expected<Ledger> open(const std::filesystem::path& path,
                                 std::span<const Migration> steps);
    static Expected<Ledger> open_read_only(const std::filesystem::path& path,
                                           std::span<const Migration> steps);

    Ledger(Ledger&&) noexcept = default;
    Ledger& operator=(Ledger&&) noexcept = default;

    sqlite3* db() const { return m_db.get(); }
    // Statements on one connection are serialised by the caller holding this.
    std::mutex& mutex() const { return *m_mutex; }

    Expected<int> schema_version() const;
    Expected<void> exec(std::string_view sql) const;

    // True for a connection opened read-only (a copy in memory is writable).
    bool read_only() const;
    // Set when the ledger file is this user's and open to others (mode 0644...): the line to
    // warn with, naming the chmod that fixes it. The command prints it.
    const std::optional<std::string>& permission_warning() const { return m_permission_warning; }

private:
    explicit Ledger(SqliteHandle db) : m_db(std::move(db)), m_mutex(std::make_unique<std::mutex>())
    {
    }
    Expected<void> migrate(std::span<const Migration> steps) const;
    Expected<Ledger> copy_to_memory() const;

    SqliteHandle m_db;
    std::unique_ptr<std::mutex> m_mutex;
    std::optional<std::string> m_permission_warning;
};

// $XDG_DATA_HOME/fightback/ledger.sqlite, else ~/.local/share/fightback/ledger.sqlite.
std::optional<std::filesystem::path> default_ledger_path();

} // namespace fightback::ledger
