// MIME leaves: IMAP-style numbers, decoding, labels; which mail counts as HTML-only.
#include <gtest/gtest.h>

#include "fightback/mail/message.hpp"
#include "fightback/scan/mime_parts.hpp"
#include "support/sample_mail.hpp"

using namespace fightback;
namespace samples = fightback::test_mail;

namespace {

mail::Message load(const std::string& text)
{
    auto m = mail::Message::from_bytes(text);
    EXPECT_TRUE(m);
    return std::move(*m);
}

TEST(MimeParts, NumbersDecodesAndLabels)
{
    auto m = load(samples::worm_message("update.exe"));
    auto leaves = scan::decoded_leaves(m.mime());
    ASSERT_EQ(leaves.size(), 2u);
    EXPECT_EQ(leaves[0].number, "1");
    EXPECT_EQ(leaves[0].content_type, "text/html");
    EXPECT_EQ(leaves[1].number, "2");
    EXPECT_EQ(leaves[1].filename, "update.exe");
    EXPECT_NE(leaves[1].data.find("FIGHTBACK-TEST-WORM"), std::string::npos) << "base64 decoded";
    EXPECT_EQ(leaves[1].label(), "part 2 'update.exe' (application/x-msdownload)");
    EXPECT_EQ(leaves[0].label(), "part 1 (text/html)");
}

TEST(MimeParts, NestedAndAttachedMessages)
{
    auto m = load("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=a\n\n"
                  "--a\nContent-Type: multipart/alternative; boundary=b\n\n"
                  "--b\nContent-Type: text/plain\n\nplain\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n"
                  "--a\nContent-Type: message/rfc822\n\n"
                  "Subject: inner\nContent-Type: multipart/mixed; boundary=c\n\n"
                  "--c\nContent-Type: text/plain\n\ninner\n--c\nContent-Type: application/zip; name=\"a.zip\"\n\nPK\n--c--\n"
                  "--a\nContent-Type: message/rfc822\n\nSubject: single\n\njust text\n"
                  "--a--\n");
    auto leaves = scan::decoded_leaves(m.mime());
    std::vector<std::string> numbers;
    for (const auto& l : leaves)
        numbers.push_back(l.number);
    EXPECT_EQ(numbers, (std::vector<std::string>{"1.1", "1.2", "2.1", "2.2", "3.1"}));
    EXPECT_EQ(leaves[3].filename, "a.zip");
    EXPECT_EQ(scan::decoded_leaves(m.mime(), 2).size(), 2u);
}

TEST(MimeParts, SinglePartAndHostileNames)
{
    auto m = load("Content-Type: application/octet-stream; name=\"a\x1b[2Jb.exe\"\n"
                  "Content-Transfer-Encoding: base64\n\nTVqQ\n");
    auto leaves = scan::decoded_leaves(m.mime());
    ASSERT_EQ(leaves.size(), 1u);
    EXPECT_EQ(leaves[0].number, "1");
    EXPECT_EQ(leaves[0].data, std::string("MZ\x90", 3));
    EXPECT_EQ(leaves[0].filename.find('\x1b'), std::string::npos);
    EXPECT_TRUE(scan::decoded_leaves(nullptr).empty());
}

struct HtmlCase {
    const char* message;
    bool html_only;
};

class HtmlOnly : public testing::TestWithParam<HtmlCase> {};

TEST_P(HtmlOnly, Table)
{
    auto m = load(GetParam().message);
    EXPECT_EQ(scan::is_html_only(m.mime()), GetParam().html_only) << GetParam().message;
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, HtmlOnly,
    testing::Values(
        HtmlCase{"Content-Type: text/html\n\n<p>x</p>\n", true},
        HtmlCase{"Subject: x\n\nplain, no MIME\n", false},
        HtmlCase{"Content-Type: text/plain\n\nx\n", false},
        HtmlCase{"Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n"
                 "--b\nContent-Type: text/html\n\n<p>x</p>\n--b--\n", false},
        // The worm's shape: HTML lure plus an executable.
        HtmlCase{"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>x</p>\n"
                 "--b\nContent-Type: application/octet-stream\n\nMZ\n--b--\n", true},
        // A text/plain attachment is no plain-text body.
        HtmlCase{"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>x</p>\n"
                 "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nx\n--b--\n", true},
        HtmlCase{"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: image/gif\n\nGIF\n--b--\n", false}));

} // namespace
