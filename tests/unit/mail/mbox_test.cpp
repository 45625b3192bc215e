// mbox: separators only after an empty line, >From unquoting, CRLF, offsets, oversized
// messages skipped without losing the rest.
#include <fstream>

#include <gtest/gtest.h>

#include "fightback/mail/mbox.hpp"
#include "support/temp_dir.hpp"

using namespace fightback;
using namespace fightback::mail;

namespace {

std::vector<MboxMessage> read_all(const std::filesystem::path& path, std::size_t limit = 1 << 20,
                                  int* errors = nullptr)
{
    auto reader = MboxReader::open(path, limit);
    EXPECT_TRUE(reader) << (reader ? "" : reader.error().message);
    std::vector<MboxMessage> out;
    if (!reader)
        return out;
    for (int guard = 0; guard < 1000; ++guard) {
        auto next = reader->next();
        if (!next) {
            if (errors)
                ++*errors;
            continue;
        }
        if (!*next)
            break;
        out.push_back(std::move(**next));
    }
    return out;
}

class Mbox : public testing::Test {
protected:
    std::filesystem::path write(const std::string& text)
    {
        auto p = dir / "mbox";
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    test_support::TempDir dir;
};

TEST_F(Mbox, SplitsAndUnquotes)
{
    const std::string text = "From a@example.net Tue Sep 23 10:00:00 2003\n"
                             "Subject: one\n\n"
                             "first body\n"
                             ">From the start, this was quoted\n"
                             ">>From deeper\n"
                             "From here on unquoted but not after an empty line\n"
                             "\n"
                             "From b@example.net Tue Sep 23 10:01:00 2003\n"
                             "Subject: two\n\n"
                             "second\n\n";
    auto p = write(text);
    EXPECT_TRUE(looks_like_mbox(p));
    auto messages = read_all(p);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].from_line, "From a@example.net Tue Sep 23 10:00:00 2003");
    EXPECT_EQ(messages[0].bytes, "Subject: one\n\nfirst body\n"
                                 "From the start, this was quoted\n"
                                 ">From deeper\n"
                                 "From here on unquoted but not after an empty line\n");
    EXPECT_EQ(messages[0].offset, 0u);
    EXPECT_EQ(messages[1].index, 1u);
    EXPECT_EQ(messages[1].offset, text.find("From b@"));
    EXPECT_EQ(messages[1].bytes, "Subject: two\n\nsecond\n");
}

TEST_F(Mbox, CrlfAndBlankLinesInsideBodies)
{
    auto p = write("From x Mon Jan 1 00:00:00 2024\r\nSubject: a\r\n\r\nline\r\n\r\n\r\nmore\r\n\r\n"
                   "From y Mon Jan 1 00:00:00 2024\r\nSubject: b\r\n\r\nb\r\n");
    auto messages = read_all(p);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].bytes, "Subject: a\r\n\r\nline\r\n\r\n\r\nmore\r\n");
    EXPECT_EQ(messages[1].bytes, "Subject: b\r\n\r\nb\r\n");
}

TEST_F(Mbox, OversizedMessageIsSkippedNotFatal)
{
    std::string big(5000, 'x');
    auto p = write("From a x\nSubject: small\n\nok\n\nFrom b x\nSubject: big\n\n" + big +
                   "\n\nFrom c x\nSubject: after\n\nstill read\n");
    int errors = 0;
    auto messages = read_all(p, 1000, &errors);
    EXPECT_EQ(errors, 1);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[1].index, 2u);
    EXPECT_EQ(messages[1].bytes, "Subject: after\n\nstill read\n");
}

TEST_F(Mbox, NotAnMboxAndEmpty)
{
    auto p = write("Subject: plain message\n\nbody\n");
    EXPECT_FALSE(looks_like_mbox(p));
    auto r = MboxReader::open(p);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::parse);
    auto empty = write("");
    EXPECT_TRUE(read_all(empty).empty());
    auto missing = MboxReader::open(dir / "absent");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST_F(Mbox, NulBytesAndNoFinalNewline)
{
    auto p = write(std::string("From a x\nSubject: n\n\nab\0cd\nend", 30));
    auto messages = read_all(p);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].bytes, std::string("Subject: n\n\nab\0cd\nend", 21));
}

} // namespace
