// [report], [send] and [ledger] settings: values read, wrong types and unknown keys refused.
#include <gtest/gtest.h>

#include "fightback/config/config.hpp"

namespace fightback::config {
namespace {

TEST(ReportConfig, ReadsEverySection)
{
    auto c = parse(R"(
[report]
reporter = "Fight Back <reports@example.org>"
reply_to = "desk@example.org"
reporting_mta = "mx.example.org"
include_rcpt_to = true
max_attached_bytes = 65536
period = 3600
per_recipient_limit = 5
per_recipient_window = 600
suppress_addresses = ["abuse@quiet.example", "@hush.example"]
suppress_networks = ["192.0.2.0/24", "2001:db8::/32"]

[send]
smtp_url = "smtp://127.0.0.1:2525"
starttls = "off"
password_file = "secret"
retry_base = 0.25
max_attempts = 3
unknown_outcome = "assume-sent"

[ledger]
path = "state.sqlite"
)",
                   "test");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(*c->report.reporter, "Fight Back <reports@example.org>");
    EXPECT_EQ(*c->report.include_rcpt_to, true);
    EXPECT_EQ(*c->report.max_attached_bytes, 65536u);
    EXPECT_EQ(*c->report.period, 3600);
    EXPECT_EQ(*c->report.per_recipient_limit, 5);
    EXPECT_EQ(c->report.suppress_addresses.size(), 2u);
    EXPECT_EQ(*c->report.suppress_networks, "192.0.2.0/24 2001:db8::/32");
    EXPECT_EQ(*c->send.smtp_url, "smtp://127.0.0.1:2525");
    EXPECT_EQ(*c->send.starttls, "off");
    EXPECT_EQ(*c->send.retry_base, 0.25);
    EXPECT_EQ(*c->send.max_attempts, 3);
    EXPECT_EQ(*c->send.unknown_outcome, "assume-sent");
    EXPECT_EQ(c->ledger.path->string(), "state.sqlite");
}

TEST(ReportConfig, RefusesWhatItDoesNotKnow)
{
    for (const char* bad : {"[send]\nstarttls = \"maybe\"\n", "[send]\nstartls = \"off\"\n",
                            "[send]\nmethod = \"pigeon\"\n", "[report]\nperiod = -1\n",
                            "[report]\nreporter = 3\n", "[report]\nsuppress_addresses = [1]\n",
                            "[send]\nmax_attempts = 0\n", "[ledger]\npath = \"\"\n",
                            "report = 1\n", "[send]\nunknown_outcome = \"guess\"\n"})
        EXPECT_FALSE(parse(bad, "test")) << bad;
}

} // namespace
} // namespace fightback::config
