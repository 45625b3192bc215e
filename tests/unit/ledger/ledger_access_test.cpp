// Opening the ledger: to read (nothing created or changed, another user's ledger readable, an
// older schema read through a copy), to write (private modes whatever the umask, a clear error
// for a read-only ledger, a read-only -shm mended), files that are not ledgers refused, and a
// full ledger a temporary failure.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <string>

#include "fightback/ledger/ledger.hpp"
#include "fightback/ledger/statement.hpp"
#include "support/as_nobody.hpp"
#include "support/temp_dir.hpp"

namespace fightback::ledger {
namespace {

constexpr uid_t nobody = 65534;

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void spit(const std::filesystem::path& p, const std::string& bytes)
{
    std::ofstream(p, std::ios::binary) << bytes;
}

unsigned mode_of(const std::filesystem::path& p)
{
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

std::set<std::string> names_in(const std::filesystem::path& dir)
{
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.insert(e.path().filename().string());
    return out;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// Makes a ledger at `path` with one complaint-free message row, then closes it.
void make_ledger(const std::filesystem::path& path)
{
    auto l = Ledger::open(path);
    ASSERT_TRUE(l) << l.error().message;
    ASSERT_TRUE(l->exec("INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                        "VALUES ('abc', 1, 1, 1);"));
}

class LedgerAccess : public testing::Test {
protected:
    test_support::TempDir dir{"fightback-ledger-access"};
    std::filesystem::path path = dir / "ledger.sqlite";
};

TEST_F(LedgerAccess, ReadingAMissingLedgerCreatesNothing)
{
    const auto deep = dir / "not" / "there" / "ledger.sqlite";
    auto l = Ledger::open_read_only(deep);
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind, ErrorKind::not_found);
    EXPECT_TRUE(contains(l.error().message, "no ledger yet at " + deep.string()))
        << l.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir / "not"));
    EXPECT_FALSE(Ledger::open_copy(deep));
    EXPECT_FALSE(std::filesystem::exists(dir / "not"));
    // An empty file is no ledger yet either, and stays empty.
    spit(path, "");
    auto empty = Ledger::open_read_only(path);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind, ErrorKind::not_found);
    EXPECT_EQ(std::filesystem::file_size(path), 0u);
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"ledger.sqlite"});
}

TEST_F(LedgerAccess, FilesThatAreNotLedgersAreRefusedAndLeftAlone)
{
    const std::string mail = "From: someone@example.org\nSubject: hello\n\nbody\n";
    spit(path, mail);
    for (auto* open : {+[](const std::filesystem::path& p) { return Ledger::open_read_only(p); },
                       +[](const std::filesystem::path& p) { return Ledger::open(p); }}) {
        auto l = open(path);
        ASSERT_FALSE(l);
        EXPECT_EQ(l.error().kind, ErrorKind::invalid);
        EXPECT_TRUE(contains(l.error().message, path.string() + " is not a fightback ledger"))
            << l.error().message;
        EXPECT_EQ(slurp(path), mail);
    }
    // Some other program's database: not migrated into a ledger.
    const auto other = dir / "other.sqlite";
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(other.c_str(), &raw), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(raw, "CREATE TABLE notes (x TEXT);", nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(raw);
    }
    const std::string before = slurp(other);
    for (bool write : {false, true}) {
        auto l = write ? Ledger::open(other) : Ledger::open_read_only(other);
        ASSERT_FALSE(l);
        EXPECT_TRUE(contains(l.error().message, "is not a fightback ledger")) << l.error().message;
    }
    EXPECT_EQ(slurp(other), before);
    auto folder = Ledger::open_read_only(dir.path());
    ASSERT_FALSE(folder);
    EXPECT_TRUE(contains(folder.error().message, "is not a fightback ledger"));
}

TEST_F(LedgerAccess, ReadOnlyReadsAndLeavesNoFileBehind)
{
    make_ledger(path);
    const std::string before = slurp(path);
    {
        auto l = Ledger::open_read_only(path);
        ASSERT_TRUE(l) << l.error().message;
        EXPECT_TRUE(l->read_only());
        EXPECT_EQ(*l->schema_version(), static_cast<int>(migrations().size()));
        auto n = select_one(
            l->db(), "SELECT count(*) FROM messages", [](Statement&) {},
            [](const Statement& s) { return s.column_int(0); });
        ASSERT_TRUE(n);
        EXPECT_EQ(**n, 1);
        // A transaction for a consistent read works; writing does not.
        Transaction tx(l->db());
        EXPECT_TRUE(tx.begun()) << tx.begun().error().message;
        EXPECT_FALSE(l->exec("DELETE FROM messages;"));
    }
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"ledger.sqlite"});
    EXPECT_EQ(slurp(path), before);
}

TEST_F(LedgerAccess, ACopyTakesWritesAndTheFileKeepsNone)
{
    make_ledger(path);
    const std::string before = slurp(path);
    {
        auto copy = Ledger::open_copy(path);
        ASSERT_TRUE(copy) << copy.error().message;
        EXPECT_FALSE(copy->read_only());
        EXPECT_TRUE(copy->exec("DELETE FROM messages;"));
    }
    EXPECT_EQ(slurp(path), before);
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"ledger.sqlite"});
}

TEST_F(LedgerAccess, AnOlderSchemaIsReadThroughAnUpgradedCopy)
{
    const auto all = migrations();
    {
        auto old = Ledger::open(path, all.first(3));
        ASSERT_TRUE(old) << old.error().message;
    }
    const std::string before = slurp(path);
    auto l = Ledger::open_read_only(path);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(*l->schema_version(), static_cast<int>(all.size()));
    EXPECT_TRUE(l->exec("SELECT count(*) FROM pipeline_state;")); // a table of step 5
    EXPECT_EQ(slurp(path), before);
    // A command that records upgrades the file itself.
    auto written = Ledger::open(path);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(*written->schema_version(), static_cast<int>(all.size()));
}

TEST_F(LedgerAccess, ANewerSchemaIsRefusedForReadingToo)
{
    make_ledger(path);
    auto l = Ledger::open_read_only(path, migrations().first(2));
    ASSERT_FALSE(l);
    EXPECT_TRUE(contains(l.error().message, "newer")) << l.error().message;
}

// The data folder 0700 and the ledger with its -wal and -shm 0600, under umask 022 and 000.
TEST_F(LedgerAccess, PrivateWhateverTheUmask)
{
    for (mode_t mask : {mode_t{022}, mode_t{0}}) {
        const auto root = dir / ("umask" + std::to_string(mask));
        const auto ledger = root / "data" / "fightback" / "ledger.sqlite";
        const mode_t old = ::umask(mask);
        auto l = Ledger::open(ledger);
        ::umask(old);
        ASSERT_TRUE(l) << l.error().message;
        EXPECT_EQ(mode_of(root), 0700u);
        EXPECT_EQ(mode_of(root / "data"), 0700u);
        EXPECT_EQ(mode_of(root / "data" / "fightback"), 0700u);
        EXPECT_EQ(mode_of(ledger), 0600u);
        ASSERT_TRUE(l->exec("INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                            "VALUES ('abc', 1, 1, 1);")); // the -wal and -shm exist while open
        EXPECT_EQ(mode_of(ledger.string() + "-wal"), 0600u);
        EXPECT_EQ(mode_of(ledger.string() + "-shm"), 0600u);
        EXPECT_FALSE(l->permission_warning());
    }
}

TEST_F(LedgerAccess, ALedgerOthersCanReadIsWarnedAbout)
{
    make_ledger(path);
    ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    for (bool write : {false, true}) {
        auto l = write ? Ledger::open(path) : Ledger::open_read_only(path);
        ASSERT_TRUE(l) << l.error().message;
        ASSERT_TRUE(l->permission_warning());
        EXPECT_TRUE(contains(*l->permission_warning(), path.string()));
        EXPECT_TRUE(contains(*l->permission_warning(), "0644"));
        EXPECT_TRUE(contains(*l->permission_warning(), "chmod 600 " + path.string()))
            << *l->permission_warning();
    }
}

TEST_F(LedgerAccess, AFullLedgerIsATemporaryFailure)
{
    make_ledger(path);
    auto l = Ledger::open(path);
    ASSERT_TRUE(l) << l.error().message;
    ASSERT_TRUE(l->exec("PRAGMA max_page_count = 40;")); // SQLite's own SQLITE_FULL
    auto r = execute(l->db(), "INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                              "VALUES (?1, 1, 1, 1)",
                     [](Statement& s) { s.bind(1, std::string(1 << 20, 'x')); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary) << r.error().message;
    auto e = l->exec("INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                     "VALUES (hex(randomblob(600000)), 1, 1, 1);");
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().kind, ErrorKind::temporary) << e.error().message;
}

// Another user's ledger (0644 in a 0755 folder this user cannot write) is readable, with no
// run holding it and while one does.
TEST_F(LedgerAccess, AnotherUsersLedgerIsReadable)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root, to read as nobody";
    make_ledger(path);
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
    auto read_as_nobody = [&] {
        return test_support::as_nobody([&] {
            auto l = Ledger::open_read_only(path);
            if (!l) {
                std::fprintf(stderr, "%s\n", l.error().message.c_str());
                return 1;
            }
            auto n = select_one(
                l->db(), "SELECT count(*) FROM messages", [](Statement&) {},
                [](const Statement& s) { return s.column_int(0); });
            return n && *n ? static_cast<int>(**n) + 10 : 2;
        });
    };
    EXPECT_EQ(read_as_nobody(), 11);
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"ledger.sqlite"});
    // While the owner's run has it open with changes in its write-ahead log.
    auto owner = Ledger::open(path);
    ASSERT_TRUE(owner) << owner.error().message;
    ASSERT_TRUE(owner->exec("PRAGMA wal_autocheckpoint = 0; INSERT INTO messages (content_hash, "
                            "size, first_seen, last_seen) VALUES ('def', 1, 1, 1);"));
    ASSERT_GT(std::filesystem::file_size(path.string() + "-wal"), 0u);
    EXPECT_EQ(read_as_nobody(), 12);
}

// A ledger made read-only is a clear error for a command that records, and leaves no -shm
// behind; a -shm left read-only (by an older fightback reading that ledger) is mended.
TEST_F(LedgerAccess, AReadOnlyLedgerOrShmFileIsHandled)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "needs root, to run as nobody (root writes read-only files)";
    ASSERT_EQ(::chown(dir.path().c_str(), nobody, nobody), 0);
    const int code = test_support::as_nobody([&] {
        {
            auto l = Ledger::open(path);
            if (!l)
                return 1;
        }
        ::chmod(path.c_str(), 0444);
        auto refused = Ledger::open(path);
        if (refused)
            return 2;
        if (!contains(refused.error().message, "chmod 600 " + path.string()))
            return 3;
        if (std::filesystem::exists(path.string() + "-shm"))
            return 4;
        // What an older fightback left: reading the 0444 ledger made a 0444 -shm.
        {
            sqlite3* raw = nullptr;
            sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
            sqlite3_exec(raw, "SELECT count(*) FROM messages;", nullptr, nullptr, nullptr);
            sqlite3_close(raw);
        }
        struct stat st {};
        if (::stat((path.string() + "-shm").c_str(), &st) != 0 || (st.st_mode & 0777) != 0444)
            return 5;
        ::chmod(path.c_str(), 0600);
        auto mended = Ledger::open(path);
        if (!mended) {
            std::fprintf(stderr, "%s\n", mended.error().message.c_str());
            return 6;
        }
        if (!mended->exec("INSERT INTO messages (content_hash, size, first_seen, last_seen) "
                          "VALUES ('abc', 1, 1, 1);"))
            return 7;
        return 0;
    });
    EXPECT_EQ(code, 0);
}

} // namespace
} // namespace fightback::ledger
