// The statistics over a ledger with a known history give known figures, exactly.
#include <sstream>

#include <gtest/gtest.h>

#include "fightback/stats/stats.hpp"
#include "fightback/stats/stats_output.hpp"
#include "unit/stats/ledger_history.hpp"

namespace fightback::stats {
namespace {

Stats known_stats(int quiet_days = 7)
{
    auto ledger = ledger::Ledger::open_in_memory();
    EXPECT_TRUE(ledger);
    test_support::known_history(*ledger);
    auto s = compute(*ledger, {test_support::known_history_now_ms(), quiet_days, 0});
    EXPECT_TRUE(s) << s.error().message;
    return *s;
}

TEST(Stats, CountsPerDay)
{
    const auto s = known_stats();
    ASSERT_EQ(s.days.size(), 16u);
    EXPECT_EQ(s.days.front().day, "2024-03-01");
    EXPECT_EQ(s.days.back().day, "2024-03-16");
    const auto& d0 = s.days[0];
    EXPECT_EQ(d0.scanned, 5);
    EXPECT_EQ(d0.detections, 4);
    EXPECT_EQ(d0.detections_by_name.at("Worm.Swen"), 4);
    EXPECT_EQ(d0.complaints_sent, 2);
    EXPECT_EQ(d0.complaints_deferred, 1);
    EXPECT_EQ(d0.complaints_failed, 0);
    EXPECT_EQ(d0.unresolved, 1);
    EXPECT_EQ(d0.replies, 2);
    const auto& d1 = s.days[1];
    EXPECT_EQ(d1.scanned, 3);
    EXPECT_EQ(d1.detections, 3);
    EXPECT_EQ(d1.detections_by_name.at("Worm.Swen"), 1);
    EXPECT_EQ(d1.detections_by_name.at("Exploit.IFrame.Gen"), 2);
    EXPECT_EQ(d1.complaints_failed, 1);
    EXPECT_EQ(d1.complaints_sent, 0);
    EXPECT_EQ(d1.unresolved, 1);
    EXPECT_EQ(d1.replies, 1);
    EXPECT_EQ(s.days[2].replies, 1);
    EXPECT_EQ(s.days[2].scanned, 1);
    EXPECT_EQ(s.days[5].scanned, 0); // a day without data is still a row
    EXPECT_EQ(s.days[9].unresolved, 1);
    EXPECT_EQ(s.days[15].detections_by_name.at("Worm.Swen"), 1);
    std::int64_t scanned = 0;
    for (const auto& d : s.days)
        scanned += d.scanned;
    EXPECT_EQ(scanned, 13);
}

TEST(Stats, PerNetworkAndRegistry)
{
    const auto s = known_stats();
    ASSERT_EQ(s.networks.size(), 3u);
    const auto& a = s.networks[0];
    EXPECT_EQ(a.key, "198.51.100.0/24");
    EXPECT_EQ(a.name, "EXAMPLE-NET-A");
    EXPECT_EQ(a.registry, "rdap.arin.net");
    EXPECT_EQ(a.sources, 2);
    EXPECT_EQ(a.messages, 6);
    EXPECT_EQ(a.complaints_sent, 2);
    EXPECT_EQ(a.replies, 3);
    EXPECT_EQ(a.answered, 1);
    EXPECT_EQ(a.bounced, 1);
    EXPECT_DOUBLE_EQ(a.reply_rate, 0.5);
    const auto& unknown = s.networks[1];
    EXPECT_EQ(unknown.key, "unknown");
    EXPECT_EQ(unknown.sources, 3);
    EXPECT_EQ(unknown.messages, 5);
    EXPECT_EQ(unknown.unresolved, 5);
    const auto& c = s.networks[2];
    EXPECT_EQ(c.key, "203.0.113.0/24"); // from the contacts decision
    EXPECT_EQ(c.registry, "whois.apnic.net");
    EXPECT_EQ(c.complaints_failed, 1);
    EXPECT_EQ(c.complaints_sent, 0);
    ASSERT_EQ(s.registries.size(), 3u);
    EXPECT_EQ(s.registries[0].key, "rdap.arin.net");
    EXPECT_EQ(s.registries[2].key, "whois.apnic.net");
    EXPECT_EQ(s.complaints_sent, 2);
    EXPECT_EQ(s.complaints_answered, 1);
    EXPECT_EQ(s.replies.total, 4);
    EXPECT_EQ(s.replies.matched, 3);
    EXPECT_EQ(s.replies.by_kind.at("personal"), 2);
}

TEST(Stats, EffectOfComplaints)
{
    const auto s = known_stats();
    ASSERT_EQ(s.sources.size(), 5u);
    const auto& a = s.sources[0];
    EXPECT_EQ(a.source_ip, "198.51.100.1");
    EXPECT_TRUE(a.complained);
    EXPECT_EQ(a.before, 2);
    EXPECT_EQ(a.after, 1);
    EXPECT_DOUBLE_EQ(a.days_to_last, 0.875);
    EXPECT_EQ(a.quiet, Quiet::yes);
    const auto& b = s.sources[1];
    EXPECT_EQ(b.before, 1);
    EXPECT_EQ(b.after, 2);
    EXPECT_DOUBLE_EQ(b.days_to_last, 10.0);
    EXPECT_EQ(b.quiet, Quiet::no);
    EXPECT_EQ(s.sources[2].source_ip, "192.0.2.10");
    EXPECT_FALSE(s.sources[2].complained);
    EXPECT_DOUBLE_EQ(s.sources[2].days_to_last, 3.0);
    EXPECT_EQ(s.sources[2].quiet, Quiet::yes);
    EXPECT_EQ(s.sources[3].quiet, Quiet::no);
    EXPECT_EQ(s.sources[4].quiet, Quiet::too_early);

    EXPECT_EQ(s.complained.sources, 2);
    EXPECT_EQ(s.complained.observed, 2);
    EXPECT_EQ(s.complained.quiet, 1);
    EXPECT_DOUBLE_EQ(s.complained.share, 0.5);
    EXPECT_EQ(s.unresolved.sources, 3);
    EXPECT_EQ(s.unresolved.observed, 2);
    EXPECT_EQ(s.unresolved.quiet, 1);

    ASSERT_EQ(s.active_complained.size(), 15u); // days 0..14
    EXPECT_DOUBLE_EQ(s.active_complained[0], 1.0);
    EXPECT_DOUBLE_EQ(s.active_complained[1], 0.5);
    EXPECT_DOUBLE_EQ(s.active_complained[9], 0.5);
    EXPECT_DOUBLE_EQ(s.active_complained[10], 0.0);
    EXPECT_DOUBLE_EQ(s.active_unresolved[0], 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(s.active_unresolved[1], 1.0);
    EXPECT_DOUBLE_EQ(s.active_unresolved[3], 0.5);
    EXPECT_DOUBLE_EQ(s.active_unresolved[8], 0.0);
}

TEST(Stats, QuietDaysChangesTheShare)
{
    const auto s = known_stats(11);
    EXPECT_EQ(s.complained.quiet, 2); // B's last message came 10 days after
    EXPECT_EQ(s.complained.observed, 2);
    EXPECT_EQ(s.unresolved.observed, 2);
    EXPECT_EQ(s.unresolved.quiet, 2);
    EXPECT_EQ(s.active_complained.size(), 23u);
}

TEST(Stats, EmptyLedger)
{
    auto ledger = ledger::Ledger::open_in_memory();
    ASSERT_TRUE(ledger);
    auto s = compute(*ledger, {1000, 7, 0});
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->days.empty());
    EXPECT_TRUE(s->sources.empty());
    EXPECT_EQ(s->active_complained.front(), -1.0);
    std::ostringstream table;
    write_table(table, *s);
    EXPECT_NE(table.str().find("Went quiet within 7 days"), std::string::npos);
    EXPECT_NE(html_page(*s).find("None yet."), std::string::npos);
}

TEST(StatsOutput, JsonAndCsv)
{
    const auto s = known_stats();
    const auto j = to_json(s);
    EXPECT_EQ(j["days"].size(), 16u);
    EXPECT_EQ(j["days"][0]["detections_by_name"]["Worm.Swen"], 4);
    EXPECT_EQ(j["networks"][0]["name"], "EXAMPLE-NET-A");
    EXPECT_TRUE(j["networks"][1]["name"].is_null());
    EXPECT_EQ(j["effect"]["complained"]["quiet"], 1);
    EXPECT_EQ(j["sources"][0]["reference"], "2024-03-01T12:00:00Z");
    EXPECT_EQ(j["sources"][4]["quiet"], "too-early");
    EXPECT_EQ(j["replies"]["matched"], 3);

    std::ostringstream days;
    write_csv(days, s, CsvTable::days);
    EXPECT_EQ(days.str().substr(0, days.str().find("\r\n")),
              "day,scanned,detections,complaints_sent,complaints_deferred,complaints_failed,"
              "unresolved,replies,detections:Exploit.IFrame.Gen,detections:Worm.Swen");
    EXPECT_NE(days.str().find("\r\n2024-03-01,5,4,2,1,0,1,2,0,4\r\n"), std::string::npos);
    std::ostringstream nets;
    write_csv(nets, s, CsvTable::networks);
    EXPECT_NE(nets.str().find("198.51.100.0/24,EXAMPLE-NET-A,rdap.arin.net,2,6,2,0,0,3,1,1,"
                              "0.5000\r\n"),
              std::string::npos);
    std::ostringstream sources;
    write_csv(sources, s, CsvTable::sources);
    EXPECT_NE(sources.str().find("198.51.100.2,198.51.100.0/24,rdap.arin.net,complained,"
                                 "2024-03-01T14:00:00Z,1,2,2024-03-11T14:00:00Z,10.00,no\r\n"),
              std::string::npos);
}

TEST(StatsOutput, HostileStringsAreEscaped)
{
    EXPECT_EQ(csv_cell("plain"), "plain");
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("say \"x\""), "\"say \"\"x\"\"\"");
    EXPECT_EQ(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    EXPECT_EQ(html_escape("<script>alert('x')</script>&\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
    EXPECT_EQ(html_escape(std::string("a\x1b[2Jb", 6)), "a\xEF\xBF\xBD[2Jb");

    Stats s;
    s.now_ms = test_support::known_history_now_ms();
    DayCounts d;
    d.day = "2024-03-01";
    d.detections = 1;
    d.detections_by_name["<img src=x onerror=alert(1)>"] = 1;
    s.days.push_back(d);
    GroupCounts g;
    g.key = "10.0.0.0/8";
    g.name = "</table><script>evil()</script>";
    s.networks.push_back(g);
    s.active_complained = {-1.0};
    s.active_unresolved = {-1.0};
    const auto page = html_page(s);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_NE(page.find("&lt;/table&gt;&lt;script&gt;evil()"), std::string::npos);
    for (const char* external : {"http://", "https://", "<link", "@import", "url("}) {
        auto at = page.find(external);
        // The only URL is the SVG namespace name, which nothing fetches.
        while (at != std::string::npos && page.compare(at, 26, "http://www.w3.org/2000/svg") == 0)
            at = page.find(external, at + 1);
        EXPECT_EQ(at, std::string::npos) << external;
    }
}

TEST(StatsOutput, TerminalTableLeavesOutDaysWithoutActivity)
{
    Stats s;
    s.quiet_days = 7;
    for (const char* day : {"2003-09-20", "2003-09-21", "2003-09-22", "2026-11-28"}) {
        DayCounts d;
        d.day = day;
        s.days.push_back(d);
    }
    s.days[0].scanned = 3;
    s.days[3].complaints_sent = 1;
    std::ostringstream table;
    write_table(table, s);
    const auto text = table.str();
    EXPECT_NE(text.find("2003-09-20"), std::string::npos);
    EXPECT_NE(text.find("2026-11-28"), std::string::npos);
    EXPECT_EQ(text.find("2003-09-21"), std::string::npos);
    EXPECT_NE(text.find("(2 days without any of these not shown)"), std::string::npos);
    // The JSON keeps every day: the charts need the gaps.
    EXPECT_EQ(to_json(s)["days"].size(), 4u);
}

} // namespace
} // namespace fightback::stats
