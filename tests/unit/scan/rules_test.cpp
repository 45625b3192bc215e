// Rules: name globs in order with the default, header rules on the topmost field.
#include <gtest/gtest.h>

#include "fightback/scan/rules.hpp"

using namespace fightback::scan;
using fightback::mail::Message;

namespace {

TEST(Glob, ShellStyleCaseInsensitive)
{
    EXPECT_TRUE(glob_match("*Worm*", "Email.Worm.Swen-1"));
    EXPECT_TRUE(glob_match("*worm*", "W32.WORM.Gibe"));
    EXPECT_TRUE(glob_match("Exploit.IFrame.Gen", "Exploit.IFrame.Gen"));
    EXPECT_FALSE(glob_match("Exploit.IFrame.Gen", "Exploit.IFrame.Gen-2"));
    EXPECT_TRUE(glob_match("Win.Trojan.?", "Win.Trojan.A"));
    EXPECT_TRUE(glob_match("[EH]*", "Heuristics.Phishing"));
    EXPECT_FALSE(glob_match("*Worm*", "Trojan.Agent"));
}

TEST(Rules, DefaultsComplainAboutWormsAndHoldIFrames)
{
    auto r = Rules::defaults();
    EXPECT_EQ(r.for_detection("Worm.Gibe.F").action, Action::complain);
    EXPECT_EQ(r.for_detection("Fightback.Worm.TestWorm-1").action, Action::complain);
    EXPECT_EQ(r.for_detection("Exploit.IFrame.Gen").action, Action::review);
    auto other = r.for_detection("Win.Trojan.Agent-1");
    EXPECT_EQ(other.action, Action::quarantine);
    EXPECT_NE(other.reason.find("default"), std::string::npos);
    auto m = Message::from_bytes("X-Spam-Flag: YES\n\nbody\n");
    ASSERT_TRUE(m);
    EXPECT_FALSE(r.for_headers(*m)) << "spam headers are not acted on by default";
}

TEST(Rules, FirstNameRuleWins)
{
    Rules r;
    r.rules = {{Rule::Kind::name, "Exploit.*", {}, {}, Action::review},
               {Rule::Kind::name, "*", {}, {}, Action::complain}};
    r.default_action = Action::keep;
    EXPECT_EQ(r.for_detection("Exploit.IFrame.Gen").action, Action::review);
    auto d = r.for_detection("Worm.X");
    EXPECT_EQ(d.action, Action::complain);
    EXPECT_NE(d.reason.find("rule 2"), std::string::npos) << d.reason;
}

struct HeaderCase {
    const char* headers; // the header block
    bool spam;
    Action action;
};

Rules header_rules()
{
    Rules r;
    r.rules = {
        {Rule::Kind::name, "*Worm*", {}, {}, Action::complain},
        {Rule::Kind::header, {}, "X-Spam-Score", 15.0, Action::complain},
        {Rule::Kind::header, {}, "X-Spamd-Result", 20.0, Action::complain},
        {Rule::Kind::header, {}, "X-Spam-Flag", {}, Action::quarantine},
        {Rule::Kind::header, {}, "X-Spam-Status", {}, Action::quarantine},
        {Rule::Kind::header, {}, "X-Spam", {}, Action::review},
    };
    return r;
}

class HeaderRules : public testing::TestWithParam<HeaderCase> {};

TEST_P(HeaderRules, Decide)
{
    const auto& c = GetParam();
    auto m = Message::from_bytes(std::string(c.headers) + "\nbody\n");
    ASSERT_TRUE(m);
    auto match = header_rules().for_headers(*m);
    ASSERT_EQ(match.has_value(), c.spam) << c.headers;
    if (match) {
        EXPECT_EQ(match->action, c.action) << c.headers << match->reason;
        EXPECT_FALSE(match->reason.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, HeaderRules,
    testing::Values(
        HeaderCase{"X-Spam-Score: 16.2\n", true, Action::complain},
        HeaderCase{"X-Spam-Score: 15\n", true, Action::complain},    // at the threshold
        HeaderCase{"X-Spam-Score: 14.9\n", false, Action::keep},
        HeaderCase{"X-Spam-Score: 16\nX-Spam-Flag: YES\n", true, Action::complain}, // rule order
        HeaderCase{"X-Spam-Score: 3\nX-Spam-Flag: YES\n", true, Action::quarantine},
        HeaderCase{"X-Spam-Flag: NO\n", false, Action::keep},
        HeaderCase{"x-spam-flag: yes\n", true, Action::quarantine}, // names are case-insensitive
        HeaderCase{"X-Spam-Status: Yes, score=9.0 required=5.0 tests=X\n", true, Action::quarantine},
        HeaderCase{"X-Spam-Status: No, score=1.0 required=5.0\n", false, Action::keep},
        HeaderCase{"X-Spamd-Result: default: True [25.00 / 15.00]; X(1)\n", true, Action::complain},
        HeaderCase{"X-Spamd-Result: default: True [16.00 / 15.00]; X(1)\n", false, Action::keep},
        HeaderCase{"X-Spam: Yes\n", true, Action::review},
        HeaderCase{"X-Spam: No\n", false, Action::keep},
        // Only the topmost field counts: the one our filter added last.
        HeaderCase{"X-Spam-Flag: NO\nX-Spam-Flag: YES\n", false, Action::keep},
        HeaderCase{"X-Spam-Flag: YES\nX-Spam-Flag: NO\n", true, Action::quarantine},
        HeaderCase{"Subject: X-Spam-Flag: YES\n", false, Action::keep},
        HeaderCase{"X-Spam-Score: lots\n", false, Action::keep}));

TEST(Rules, FlagRuleFallsBackToScoreAgainstRequired)
{
    Rules r;
    r.rules = {{Rule::Kind::header, {}, "X-Spam-Report", {}, Action::review}};
    auto yes = Message::from_bytes("X-Spam-Report: score=8 required=5\n\nb\n");
    auto no = Message::from_bytes("X-Spam-Report: score=2 required=5\n\nb\n");
    ASSERT_TRUE(yes && no);
    EXPECT_TRUE(r.for_headers(*yes));
    EXPECT_FALSE(r.for_headers(*no));
}

TEST(Actions, RoundTrip)
{
    for (Action a : {Action::keep, Action::complain, Action::review, Action::quarantine})
        EXPECT_EQ(parse_action(to_string(a)), a);
    EXPECT_EQ(parse_action("Complain"), Action::complain);
    EXPECT_FALSE(parse_action("delete"));
}

} // namespace
