// UTF-8 repair, MailText and the JSON writer, table-driven: every ill-formed shape Unicode
// names (stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF, cut
// sequences), NUL, and what JSON requires escaped. The writer's output is checked by parsing
// it back with an independent JSON parser (nlohmann), which refuses invalid UTF-8.
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fightback/util/json_writer.hpp"
#include "fightback/util/mail_text.hpp"
#include "fightback/util/utf8.hpp"

namespace fightback {
namespace {

constexpr std::string_view R = utf8::replacement;

struct Case {
    std::string_view input;
    std::string expected;
};

std::string cat(std::initializer_list<std::string_view> parts)
{
    std::string out;
    for (auto p : parts)
        out += p;
    return out;
}

TEST(Utf8, IllFormedSequencesBecomeOneReplacementEach)
{
    const Case cases[] = {
        {"plain ascii", "plain ascii"},
        {"caf\xc3\xa9", "caf\xc3\xa9"},                                  // well-formed 2 bytes
        {"\xe2\x82\xac and \xf0\x9f\x98\x80", "\xe2\x82\xac and \xf0\x9f\x98\x80"},
        {"\xff\xfe", cat({R, R})},                                       // never lead bytes
        {"\xc3\x28", cat({R, "("})},                                     // missing continuation
        {"\x80", std::string(R)},                                        // stray continuation
        {"\xc0\xaf", cat({R, R})},                                       // overlong '/'
        {"\xe0\x80\xaf", cat({R, R, R})},                                // overlong, 3 bytes
        {"\xed\xa0\x80", cat({R, R, R})},                                // a surrogate
        {"\xf4\x90\x80\x80", cat({R, R, R, R})},                         // above U+10FFFF
        {"\xe2\x82", std::string(R)},                                    // cut: one maximal part
        {"a\xf0\x9f\x98", cat({"a", R})},                                // cut 4-byte sequence
        {std::string_view("a\0b", 3), cat({"a", R, "b"})},               // NUL
    };
    for (const auto& c : cases) {
        EXPECT_EQ(utf8::clean(c.input), c.expected) << nlohmann::json(c.expected).dump();
        EXPECT_EQ(utf8::is_clean(c.input), c.input == c.expected);
        EXPECT_TRUE(utf8::is_clean(utf8::clean(c.input)));
    }
}

TEST(Utf8, TruncateNeverSplitsACharacter)
{
    const std::string text = "ab\xe2\x82\xac" "c"; // a, b, euro sign, c
    EXPECT_EQ(utf8::truncate(text, 10), text);
    EXPECT_EQ(utf8::truncate(text, 5), "ab\xe2\x82\xac");
    EXPECT_EQ(utf8::truncate(text, 4), "ab");
    EXPECT_EQ(utf8::truncate(text, 3), "ab");
    EXPECT_EQ(utf8::truncate(text, 2), "ab");
}

TEST(MailText, IsCleanWhateverItIsMadeFrom)
{
    const MailText t(std::string("from \xff\xfe (\xc3\x28 [192.0.2.70])"));
    EXPECT_TRUE(utf8::is_clean(t.view()));
    EXPECT_EQ(t, cat({"from ", R, R, " (", R, "( [192.0.2.70])"}));
    EXPECT_EQ(fmt::format("<{}>", MailText("x\xc3")), cat({"<x", R, ">"}));
    EXPECT_EQ(MailText("ok"), MailText(std::string("ok")));
}

// What the writer writes parses back (nlohmann throws on invalid UTF-8) to the cleaned text.
std::string round_trip(std::string_view text)
{
    std::string out;
    JsonWriter(out).value(text);
    return nlohmann::json::parse(out).get<std::string>();
}

TEST(JsonWriter, HostileStringsAreWrittenAsValidJson)
{
    // NUL is legal in JSON (as \u0000); only ill-formed UTF-8 is replaced.
    const Case cases[] = {
        {"\xff\xfe", cat({R, R})},
        {"\xc3\x28", cat({R, "("})},
        {"quote \" backslash \\ slash /", "quote \" backslash \\ slash /"},
        {"\x1b]0;title\x07\x1b[2J", "\x1b]0;title\x07\x1b[2J"},
        {std::string_view("nul\0byte", 8), std::string("nul\0byte", 8)},
        {"tab\tnew\nline\r", "tab\tnew\nline\r"},
        {"\xed\xa0\x80", cat({R, R, R})},
        {"\x7f", "\x7f"},
        {"\xf0\x9f\x98\x80 ok", "\xf0\x9f\x98\x80 ok"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(round_trip(c.input), c.expected);
    std::string out;
    JsonWriter(out).value(std::string_view("a\x01\"\\\n"));
    EXPECT_EQ(out, R"("a\u0001\"\\\n")");
}

TEST(JsonWriter, NestingCommasAndNumbers)
{
    std::string out;
    JsonWriter w(out);
    w.begin_object()
        .field("s", "x")
        .field("n", -3)
        .field("u", std::numeric_limits<std::uint64_t>::max())
        .field("d", 1.0)
        .field("half", 0.5)
        .field("nan", std::numeric_limits<double>::quiet_NaN())
        .field("t", true)
        .field("none", std::optional<std::string>{})
        .field("some", std::optional<std::string>{"y"})
        .field("list", std::vector<std::string>{"a", "b"})
        .key("empty")
        .begin_array()
        .end_array()
        .key("nested")
        .begin_array()
        .begin_object()
        .field("k", 1)
        .end_object()
        .begin_object()
        .end_object()
        .end_array()
        .end_object();
    EXPECT_EQ(out, R"({"s":"x","n":-3,"u":18446744073709551615,"d":1.0,"half":0.5,"nan":null,)"
                   R"("t":true,"none":null,"some":"y","list":["a","b"],"empty":[],)"
                   R"("nested":[{"k":1},{}]})");
    EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(JsonWriter, IndentedOutputMatchesTheCommonLayout)
{
    std::string out;
    JsonWriter w(out, 2);
    w.begin_object().field("a", 1).key("b").begin_array().value(2).value(3).end_array();
    w.key("c").begin_object().end_object().end_object();
    EXPECT_EQ(out, "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": {}\n}");
    EXPECT_EQ(nlohmann::json::parse(out).dump(2), out);
}

} // namespace
} // namespace fightback
