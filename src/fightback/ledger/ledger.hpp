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
    // Opens (creating the file and its folder) and migrates. WAL mode for on-disk files.
    static Expected<Ledger> open(const std::filesystem::path& path);
    static Expected<Ledger> open_in_memory();
    // Migrates with an explicit list (tests of the mechanism).
    static Expected<Ledger> open(const std::filesystem::path& path,
                                 std::span<const Migration> steps);

    Ledger(Ledger&&) noexcept = default;
    Ledger& operator=(Ledger&&) noexcept = default;

    sqlite3* db() const { return m_db.get(); }
    // Statements on one connection are serialised by the caller holding this.
    std::mutex& mutex() const { return *m_mutex; }

    Expected<int> schema_version() const;
    Expected<void> exec(std::string_view sql) const;

private:
    explicit Ledger(SqliteHandle db) : m_db(std::move(db)), m_mutex(std::make_unique<std::mutex>())
    {
    }
    Expected<void> migrate(std::span<const Migration> steps) const;

    SqliteHandle m_db;
    std::unique_ptr<std::mutex> m_mutex;
};

// $XDG_DATA_HOME/fightback/ledger.sqlite, else ~/.local/share/fightback/ledger.sqlite.
std::optional<std::filesystem::path> default_ledger_path();

} // namespace fightback::ledger
