// [scan], [[scan.rules]], [folders] and [deliver] from config.toml: values, defaults, and the
// mistakes that must be errors rather than silently different behaviour.
#include <gtest/gtest.h>

#include "fightback/config/config.hpp"

using namespace fightback;
using fightback::config::parse;

namespace {

TEST(ScanConfig, DefaultsWithoutTables)
{
    auto c = parse("", "test");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->scan.engine.kind, scan::EngineKind::libclamav);
    EXPECT_TRUE(c->scan.engine.database.empty());
    EXPECT_EQ(c->scan.rules.rules.size(), scan::Rules::defaults().rules.size());
    EXPECT_EQ(c->scan.rules.default_action, scan::Action::quarantine);
    EXPECT_EQ(c->folders.complained, ".Complained");
    EXPECT_EQ(c->folders.unresolved, ".Unresolved");
    EXPECT_EQ(c->folders.review, ".Review");
    EXPECT_EQ(c->folders.quarantine, ".Quarantine");
    EXPECT_EQ(c->folders.html, ".HTML");
    EXPECT_TRUE(c->deliver.scan);
}

TEST(ScanConfig, EverySetting)
{
    auto c = parse(R"(
[scan]
engine = "clamd"
database = "/srv/clamav"
clamd = "127.0.0.1:3310"
clamd_timeout_ms = 5000
max_file_size = "25M"
max_scan_size = 104857600
max_scan_time_ms = 60000
max_recursion = 10
max_files = 5000
tmpdir = "/var/tmp"
heuristics = false
cache = false
locate_parts = false
jobs = 4
default_action = "review"

[[scan.rules]]
name = "*Worm*"
action = "complain"

[[scan.rules]]
name = "Exploit.IFrame.Gen"
action = "review"

[[scan.rules]]
header = "X-Spam-Score"
min_score = 12.5
action = "complain"

[[scan.rules]]
header = "X-Spam-Flag"
action = "quarantine"

[folders]
maildir = "~/Mail"
complained = ".Worms.Complained"
review = "/srv/review"

[deliver]
scan = false
html_only = false
max_scan_bytes = "8M"
)",
                   "test");
    ASSERT_TRUE(c) << c.error().message;
    const auto& e = c->scan.engine;
    EXPECT_EQ(e.kind, scan::EngineKind::clamd);
    EXPECT_EQ(e.database, "/srv/clamav");
    EXPECT_EQ(e.clamd_address, "127.0.0.1:3310");
    EXPECT_EQ(e.clamd_timeout, std::chrono::milliseconds(5000));
    EXPECT_EQ(e.max_file_size, 25u << 20);
    EXPECT_EQ(e.max_scan_size, 104857600u);
    EXPECT_EQ(e.max_scan_time_ms, 60000u);
    EXPECT_EQ(e.max_recursion, 10u);
    EXPECT_EQ(e.max_files, 5000u);
    EXPECT_EQ(e.tmpdir, std::filesystem::path("/var/tmp"));
    EXPECT_FALSE(e.heuristics);
    EXPECT_FALSE(e.cache);
    EXPECT_FALSE(c->scan.classify.locate_parts);
    EXPECT_EQ(c->scan.jobs, 4u);
    const auto& r = c->scan.rules;
    EXPECT_EQ(r.default_action, scan::Action::review);
    ASSERT_EQ(r.rules.size(), 4u);
    EXPECT_EQ(r.rules[0].pattern, "*Worm*");
    EXPECT_EQ(r.rules[1].action, scan::Action::review);
    EXPECT_EQ(r.rules[2].kind, scan::Rule::Kind::header);
    EXPECT_EQ(r.rules[2].min_score, 12.5);
    EXPECT_FALSE(r.rules[3].min_score);
    EXPECT_EQ(c->folders.maildir, std::filesystem::path("~/Mail"));
    EXPECT_EQ(c->folders.complained, ".Worms.Complained");
    EXPECT_EQ(c->folders.review, "/srv/review");
    EXPECT_EQ(c->folders.unresolved, ".Unresolved");
    EXPECT_FALSE(c->deliver.scan);
    EXPECT_FALSE(c->deliver.html_only);
    EXPECT_EQ(c->deliver.max_scan_bytes, 8u << 20);
}

TEST(ScanConfig, EmptyRuleListMeansNoRules)
{
    auto c = parse("[scan]\nrules = []\n", "test");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c->scan.rules.rules.empty());
}

class ScanConfigError : public testing::TestWithParam<const char*> {};

TEST_P(ScanConfigError, IsRefused)
{
    auto c = parse(GetParam(), "test");
    EXPECT_FALSE(c) << GetParam();
    if (!c) {
        EXPECT_FALSE(c.error().message.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, ScanConfigError,
    testing::Values("[scan]\nengine = \"sophos\"\n", "[scan]\ndefualt_action = \"keep\"\n",
                    "[scan]\ndefault_action = \"delete\"\n", "[scan]\nmax_file_size = \"25X\"\n",
                    "[scan]\nmax_file_size = 0\n", "[scan]\njobs = 0\n",
                    "[scan]\nheuristics = \"yes\"\n", "scan = 3\n",
                    "[[scan.rules]]\naction = \"complain\"\n",
                    "[[scan.rules]]\nname = \"*\"\nheader = \"X\"\naction = \"keep\"\n",
                    "[[scan.rules]]\nname = \"*\"\n",
                    "[[scan.rules]]\nname = \"*\"\nmin_score = 3\naction = \"keep\"\n",
                    "[[scan.rules]]\nheader = \"X-Spam: Flag\"\naction = \"keep\"\n",
                    "[[scan.rules]]\nheader = \"X-Spam-Score\"\nmin_score = \"high\"\naction = \"keep\"\n",
                    "[[scan.rules]]\nname = \"*\"\naction = \"keep\"\npattern = \"x\"\n",
                    "[folders]\nreview = \"../elsewhere\"\n", "[folders]\ninbox = \"x\"\n",
                    "[deliver]\nscan = 1\n"));

TEST(ParseSize, Units)
{
    EXPECT_EQ(config::parse_size("k", "512K"), 512u << 10);
    EXPECT_EQ(config::parse_size("k", "1g"), 1ull << 30);
    EXPECT_EQ(config::parse_size("k", "1000"), 1000u);
    EXPECT_FALSE(config::parse_size("k", "M"));
    EXPECT_FALSE(config::parse_size("k", "-1M"));
    EXPECT_FALSE(config::parse_size("k", "99999999999G"));
}

} // namespace
