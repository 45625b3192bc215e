// Spam headers as SpamAssassin and rspamd write them, and what they must not be taken for.
#include <cmath>
#include <optional>

#include <gtest/gtest.h>

#include "fightback/scan/spam_headers.hpp"

using fightback::scan::read_spam_header;

namespace {

struct Case {
    const char* value;
    std::optional<bool> flag;
    std::optional<double> score;
    std::optional<double> required;
};

class SpamHeader : public testing::TestWithParam<Case> {};

TEST_P(SpamHeader, Reads)
{
    const Case& c = GetParam();
    auto r = read_spam_header(c.value);
    EXPECT_EQ(r.flag, c.flag) << c.value;
    ASSERT_EQ(r.score.has_value(), c.score.has_value()) << c.value;
    if (c.score) {
        EXPECT_DOUBLE_EQ(*r.score, *c.score) << c.value;
    }
    ASSERT_EQ(r.required.has_value(), c.required.has_value()) << c.value;
    if (c.required) {
        EXPECT_DOUBLE_EQ(*r.required, *c.required) << c.value;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SpamHeader,
    testing::Values(
        // X-Spam-Flag, X-Spam (rspamd)
        Case{"YES", true, {}, {}}, Case{"Yes", true, {}, {}}, Case{"NO", false, {}, {}},
        Case{"  yes  ", true, {}, {}}, Case{"True", true, {}, {}},
        // X-Spam-Status (SpamAssassin, current and old)
        Case{"Yes, score=7.3 required=5.0 tests=BAYES_99,HTML_MESSAGE autolearn=no", true, 7.3, 5.0},
        Case{"No, score=-1.9 required=5.0 tests=ALL_TRUSTED", false, -1.9, 5.0},
        Case{"Yes, hits=12.1 required=5.0", true, 12.1, 5.0},
        Case{"Yes, score=7.3\n\trequired=5.0 tests=X", true, 7.3, 5.0},
        // X-Spam-Score, X-Rspamd-Score
        Case{"7.3", {}, 7.3, {}}, Case{"-0.5", {}, -0.5, {}}, Case{"+4", {}, 4.0, {}},
        // X-Spam-Level (SpamAssassin), X-Spamd-Bar (rspamd)
        Case{"*******", {}, 7.0, {}}, Case{"+++", {}, 3.0, {}}, Case{"--", {}, -2.0, {}},
        // X-Spamd-Result (rspamd)
        Case{"default: True [12.40 / 15.00]; BAYES_SPAM(5.10)[99.9%]", true, 12.4, 15.0},
        Case{"default: False [1.20 / 15.00];\n\tR_SPF_ALLOW(-0.20)", false, 1.2, 15.0},
        // Not verdicts
        Case{"", {}, {}, {}}, Case{"yesterday", {}, {}, {}}, Case{"7.3 points", {}, {}, {}},
        Case{"Yes-ish", {}, {}, {}}, Case{"nan", {}, {}, {}}, Case{"inf", {}, {}, {}},
        Case{"noscore=5", {}, {}, {}}, Case{"Yes, myscore=9", true, {}, {}}));

TEST(SpamHeaderHostile, LongAndBinaryValuesAreHarmless)
{
    std::string junk(100000, '*');
    EXPECT_FALSE(read_spam_header(junk).flag);
    std::string binary;
    for (int i = 0; i < 5000; ++i)
        binary += static_cast<char>(i * 31);
    (void)read_spam_header(binary);
    (void)read_spam_header("default: True [");
    (void)read_spam_header("default: True [1 /");
    (void)read_spam_header("score=");
}

} // namespace
