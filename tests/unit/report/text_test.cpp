// Header values, addresses, host names, phrases; line ends, 7-bit checks, quoted-printable.
#include <gtest/gtest.h>

#include "fightback/report/form_letter.hpp"
#include "fightback/report/header_text.hpp"
#include "fightback/report/mail_date.hpp"
#include "fightback/report/mime_text.hpp"
#include "fightback/util/text.hpp"

namespace fightback::report {
namespace {

// Undoes quoted-printable, to check the encoder against an independent reading.
std::string qp_decode(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '=' && i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
            i += 2;
        } else if (text[i] == '=' && i + 2 < text.size()) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (text[i] == '\r') {
            continue;
        } else {
            out += text[i];
        }
    }
    return out;
}

TEST(HeaderWriter, RefusesControlCharactersAndFolds)
{
    HeaderWriter w;
    w.add("Subject", "fine");
    EXPECT_FALSE(w.error());
    const std::vector<std::string> bads = {"a\r\nBcc: x@y", "a\nb",      "a\rb",
                                           std::string("a\0b", 3), "a\x1b[2Jb", "caf\xc3\xa9"};
    for (const auto& bad : bads) {
        HeaderWriter v;
        v.add("Subject", bad);
        EXPECT_TRUE(v.error()) << bad;
    }
    HeaderWriter n;
    n.add("Bad Name", "x");
    EXPECT_TRUE(n.error());
    HeaderWriter f;
    std::string words;
    for (int i = 0; i < 40; ++i)
        words += "word" + std::to_string(i) + " ";
    f.add("Subject", words);
    ASSERT_FALSE(f.error());
    std::size_t start = 0;
    int lines = 0;
    while (start < f.text().size()) {
        auto end = f.text().find("\r\n", start);
        EXPECT_LE(end - start, 78u);
        if (lines++ > 0) {
            EXPECT_EQ(f.text()[start], ' ');
        }
        start = end + 2;
    }
    EXPECT_GT(lines, 2);
}

TEST(HeaderText, Phrases)
{
    EXPECT_EQ(header_phrase("Worm.Swen\r\nBcc: x"), "Worm.Swen Bcc: x");
    EXPECT_EQ(header_phrase("  a\t\tb  "), "a b");
    EXPECT_EQ(header_phrase("caf\xc3\xa9 x"), "caf x");
    EXPECT_EQ(header_phrase(std::string(500, 'a'), 10), std::string(10, 'a'));
}

TEST(HeaderText, EnvelopeAddresses)
{
    EXPECT_EQ(*envelope_address("<a.b+c@Example.ORG.>"), "a.b+c@example.org");
    EXPECT_EQ(*envelope_address("<>"), "");
    EXPECT_EQ(*envelope_address(""), "");
    for (const char* bad : {"no-at", "a b@c.example", "a@b.example>\r\nX: y", "a<b@c.example",
                            "@c.example", "a@", "a@-b.example", "a@b..example", "a@b_ c"})
        EXPECT_FALSE(envelope_address(bad)) << bad;
}

TEST(HeaderText, HostNamesAndMessageIds)
{
    EXPECT_EQ(*host_name("MX1.Ours.Example."), "mx1.ours.example");
    for (const char* bad : {"", "a..b", "-a.b", "a-.b", "a b", "a\r\nb", "a/b"})
        EXPECT_FALSE(host_name(bad)) << bad;
    EXPECT_EQ(*message_id_value(" <a.b@c> "), "<a.b@c>");
    EXPECT_FALSE(message_id_value("<a b@c>"));
    EXPECT_FALSE(message_id_value("a@c"));
    EXPECT_FALSE(message_id_value("<a@c>\r\nX: y"));
}

TEST(HeaderText, SplitMailbox)
{
    std::string name, address;
    split_mailbox("\"Fight Back\" <r@x.example>", name, address);
    EXPECT_EQ(name, "Fight Back");
    EXPECT_EQ(address, "r@x.example");
    split_mailbox("r@x.example", name, address);
    EXPECT_EQ(name, "");
    EXPECT_EQ(address, "r@x.example");
}

TEST(MimeText, LineEndsAndSevenBit)
{
    EXPECT_EQ(to_crlf("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
    EXPECT_EQ(to_lf("a\r\nb\r\n"), "a\nb\n");
    EXPECT_TRUE(is_7bit_clean("a\r\nb\n"));
    EXPECT_FALSE(is_7bit_clean("a\rb"));
    EXPECT_FALSE(is_7bit_clean(std::string("a\0b", 3)));
    EXPECT_FALSE(is_7bit_clean("caf\xc3\xa9"));
    EXPECT_FALSE(is_7bit_clean(std::string(999, 'x')));
    EXPECT_TRUE(is_7bit_clean(std::string(998, 'x')));
    EXPECT_EQ(header_part("A: b\nC: d\n\nbody"), "A: b\nC: d\n");
    EXPECT_EQ(header_part("A: b\r\n\r\nbody"), "A: b\r\n");
    EXPECT_EQ(without_mbox_line("From a@b Thu Oct  2 10:00:00 2003\nA: b\n"), "A: b\n");
    EXPECT_EQ(ascii_text("a\x1b[2J\xc3\xa9\r\nb"), "a\\x1b[2J\\xc3\\xa9\nb");
}

TEST(MimeText, QuotedPrintableRoundTrips)
{
    const std::string samples[] = {
        "plain text\nsecond line\n",
        "Gr\xc3\xbc\xc3\x9f" "e = equals\n",
        "trailing space \nand tab\t\n",
        std::string(200, 'x') + "\n" + std::string(75, '=') + "\n",
    };
    for (const auto& s : samples) {
        const std::string qp = quoted_printable(s);
        EXPECT_TRUE(is_7bit_clean(qp));
        std::size_t start = 0;
        while (start < qp.size()) {
            auto end = qp.find("\r\n", start);
            if (end == std::string::npos)
                end = qp.size();
            EXPECT_LE(end - start, 76u);
            if (end > start) {
                EXPECT_TRUE(qp[end - 1] != ' ' && qp[end - 1] != '\t');
            }
            start = end + 2;
        }
        EXPECT_EQ(qp_decode(qp), s);
    }
}

TEST(MailDate, KeepsTheZone)
{
    ::setenv("TZ", "America/New_York", 1);
    ::tzset();
    EXPECT_EQ(rfc5322_date(1065081600), "Thu, 2 Oct 2003 04:00:00 -0400");
    EXPECT_EQ(readable_date(1065081600), "2003-10-02 04:00:00 -0400");
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    EXPECT_EQ(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
}

TEST(FormLetter, PlaceholdersCheckedAtLoad)
{
    auto letter = FormLetter::parse("IP {{source_ip}}, {{ incidents }} times.{{missing_value}}",
                                    "t");
    EXPECT_FALSE(letter);
    auto ok = FormLetter::parse("IP {{source_ip}}, {{ incidents }} times.", "t");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->render({{"source_ip", "192.0.2.1"}, {"incidents", "3"}}),
              "IP 192.0.2.1, 3 times.");
    EXPECT_EQ(ok->render({}), "IP ,  times.");
    EXPECT_FALSE(FormLetter::parse("{{source_ip", "t"));
    EXPECT_NE(FormLetter::builtin().render({{"source_ip", "192.0.2.9"}}).find("192.0.2.9"),
              std::string::npos);
}

TEST(Words, SplitAndJoinAsTheLedgerKeepsAddressLists)
{
    EXPECT_EQ(split_words("a@x.example  b@y.example "),
              (std::vector<std::string>{"a@x.example", "b@y.example"}));
    EXPECT_TRUE(split_words("").empty());
    EXPECT_TRUE(split_words("   ").empty());
    EXPECT_EQ(join_words({"a@x.example", "b@y.example"}), "a@x.example b@y.example");
    EXPECT_EQ(join_words({}), "");
    EXPECT_EQ(split_words(join_words({"one", "two", "three"})).size(), 3u);
}

} // namespace
} // namespace fightback::report
