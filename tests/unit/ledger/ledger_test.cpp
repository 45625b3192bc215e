// The ledger: versioned migrations and the contact cache keyed by range, with expiry.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <array>
#include <filesystem>

#include "fightback/abuse/contact_cache.hpp"
#include "fightback/ledger/ledger.hpp"

namespace fightback::ledger {
namespace {

std::filesystem::path temp_db(const char* name)
{
    auto dir = std::filesystem::temp_directory_path() /
               ("fightback-ledger-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto p = dir / name;
    std::filesystem::remove(p);
    return p;
}

TEST(Ledger, MigratesInOrderAndOnlyOnce)
{
    auto path = temp_db("migrate.sqlite");
    constexpr std::array<Migration, 1> one{{{1, "one", "CREATE TABLE a (x INTEGER);"}}};
    constexpr std::array<Migration, 2> two{{{1, "one", "CREATE TABLE a (x INTEGER);"},
                                            {2, "two", "CREATE TABLE b (y INTEGER);"}}};
    {
        auto l = Ledger::open(path, one);
        ASSERT_TRUE(l) << l.error().message;
        EXPECT_EQ(*l->schema_version(), 1);
    }
    {
        auto l = Ledger::open(path, two); // step 1 is not run again
        ASSERT_TRUE(l) << l.error().message;
        EXPECT_EQ(*l->schema_version(), 2);
        EXPECT_TRUE(l->exec("INSERT INTO b VALUES (1);"));
    }
    auto older = Ledger::open(path, one);
    ASSERT_FALSE(older);
    EXPECT_NE(older.error().message.find("newer"), std::string::npos);
    constexpr std::array<Migration, 1> broken{{{1, "bad", "CREATE TABLE"}}};
    EXPECT_FALSE(Ledger::open(temp_db("broken.sqlite"), broken));
    std::filesystem::remove_all(path.parent_path());
}

TEST(Ledger, ProjectSchemaOpensInWalMode)
{
    auto path = temp_db("project.sqlite");
    auto l = Ledger::open(path);
    ASSERT_TRUE(l) << l.error().message;
    EXPECT_EQ(*l->schema_version(), static_cast<int>(migrations().size()));
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(l->db(), "PRAGMA journal_mode", -1, &s, nullptr);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
    sqlite3_finalize(s);
    std::filesystem::remove_all(path.parent_path());
}

TEST(ContactCache, KeyedByRangeWithExpiry)
{
    auto l = Ledger::open_in_memory();
    ASSERT_TRUE(l);
    abuse::ContactCache cache(*l);
    abuse::RegistryAnswer wide, narrow;
    wide.registry = "rdap.arin.net";
    wide.range = abuse::parse_range("192.0.2.0/24");
    wide.evidence.push_back({"abuse@wide.example", abuse::Source::rdap, 85, "wide"});
    narrow.registry = "rdap.arin.net";
    narrow.range = abuse::parse_range("192.0.2.64/26");
    narrow.evidence.push_back({"abuse@narrow.example", abuse::Source::rdap, 85, "narrow"});
    ASSERT_TRUE(cache.store(wide, 1000, std::chrono::seconds(100)));
    ASSERT_TRUE(cache.store(narrow, 1000, std::chrono::seconds(50)));
    auto ip = [](const char* t) { return *net::IpAddress::parse(t); };
    EXPECT_EQ(cache.find(ip("192.0.2.70"), 1010)->evidence[0].address, "abuse@narrow.example");
    EXPECT_EQ(cache.find(ip("192.0.2.7"), 1010)->evidence[0].address, "abuse@wide.example");
    EXPECT_EQ(cache.find(ip("192.0.2.70"), 1060)->evidence[0].address, "abuse@wide.example");
    EXPECT_FALSE(cache.find(ip("192.0.2.70"), 1200));
    EXPECT_FALSE(cache.find(ip("192.0.3.1"), 1010));
    EXPECT_FALSE(cache.find(ip("2001:db8::1"), 1010));
    EXPECT_EQ(*cache.purge(1200), 2);
}

} // namespace
} // namespace fightback::ledger
