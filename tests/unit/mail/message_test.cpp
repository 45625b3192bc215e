// Message loading: unfolding, RFC 2047, mbox separators, and hostile input.
#include <chrono>

#include <gtest/gtest.h>

#include "fightback/mail/message.hpp"

using fightback::mail::LoadLimits;
using fightback::mail::Message;

namespace {

TEST(Message, UnfoldsAndDecodes)
{
    auto msg = Message::from_bytes("Received: from a.example (a.example [192.0.2.1])\r\n"
                                   "\tby mx.example.org with ESMTP;\r\n"
                                   "  Tue, 1 Aug 2023 10:00:00 +0000\r\n"
                                   "Subject: =?UTF-8?B?R3LDvMOfZQ==?= und mehr\r\n"
                                   "\r\n"
                                   "body\r\n");
    ASSERT_TRUE(msg);
    auto received = msg->fields("received");
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0]->unfolded, "from a.example (a.example [192.0.2.1])\tby mx.example.org "
                                     "with ESMTP;  Tue, 1 Aug 2023 10:00:00 +0000");
    EXPECT_NE(received[0]->raw.find("\n"), std::string::npos);
    EXPECT_EQ(msg->header("Subject"), "Grüße und mehr");
    EXPECT_TRUE(msg->header_block().starts_with("Received:"));
    EXPECT_TRUE(msg->header_block().ends_with("und mehr\r\n"));
}

TEST(Message, MboxFromLineIsNotAHeader)
{
    auto msg = Message::from_bytes("From someone@example.com  Thu Aug 22 12:36:23 2002\n"
                                   "Received: from x (x [192.0.2.1]) by y;\n"
                                   "Subject: hi\n\nbody\n");
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->fields("Received").size(), 1u);
    EXPECT_TRUE(msg->header_block().starts_with("Received:"));
}

TEST(Message, OrderAndCountKept)
{
    std::string text;
    for (int i = 0; i < 5; ++i)
        text += "Received: from h" + std::to_string(i) + " by y\n";
    text += "\n";
    auto msg = Message::from_bytes(text);
    ASSERT_TRUE(msg);
    auto r = msg->fields("Received");
    ASSERT_EQ(r.size(), 5u);
    EXPECT_EQ(r[0]->unfolded, "from h0 by y");
    EXPECT_EQ(r[4]->unfolded, "from h4 by y");
}

TEST(Message, HostileInputNeverCrashes)
{
    std::string garbage;
    for (int i = 0; i < 200000; ++i)
        garbage += static_cast<char>((i * 7919) % 256);
    const std::string cases[] = {
        garbage,
        std::string("Received: from a\0b by c\n\nbody", 29),
        "Subject: \xff\xfe\xc3\x28 invalid utf-8\n\n",
        "Received: from x (x [192.0.2.1]",  // truncated, no newline
        "",
        "\n\nbody only",
        "no colon here\nSubject: x\n\n",
        "Subject: =?utf-8?q?unterminated\n\n",
    };
    for (const auto& c : cases) {
        auto msg = Message::from_bytes(c);
        ASSERT_TRUE(msg) << msg.error().message;
    }
    auto nul = Message::from_bytes(std::string("Received: from a\0b by c\n\nbody", 29));
    EXPECT_FALSE(nul->warnings().empty());
}

TEST(Message, HugeHeaderAndManyFieldsAreBounded)
{
    std::string big = "X-Big: " + std::string(10u << 20, 'a') + "\n";
    for (int i = 0; i < 100000; ++i)
        big += "Received: from h by y;\n";
    big += "\nbody\n";
    auto start = std::chrono::steady_clock::now();
    LoadLimits limits;
    limits.headers_only = true;
    auto msg = Message::from_bytes(big, limits);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(msg);
    EXPECT_EQ(msg->headers().size(), limits.max_header_fields);
    EXPECT_FALSE(msg->warnings().empty());
    // Not a speed test: a generous ceiling that only a quadratic blow-up would reach.
    EXPECT_LT(seconds, 60.0);
}

TEST(Message, HeaderEndsWhereMailSoftwareSaysItDoes)
{
    // A MIME boundary with no empty line before it ends the header.
    auto boundary = Message::from_bytes("Subject: a\n--b1\nReceived: from x by y\n");
    ASSERT_TRUE(boundary);
    EXPECT_TRUE(boundary->fields("Received").empty());
    EXPECT_EQ(boundary->header_block(), "Subject: a\n");

    // Three lines that are not fields are skipped; the fourth ends the header.
    auto junk = Message::from_bytes("Subject: a\njunk one\njunk two\nReceived: from x by y\n"
                                    "junk three\njunk four\nTo: b@example.org\n\nbody");
    ASSERT_TRUE(junk);
    EXPECT_EQ(junk->fields("Received").size(), 1u);
    EXPECT_TRUE(junk->fields("To").empty());
    EXPECT_FALSE(junk->warnings().empty());

    // Obsolete syntax: white space before the colon.
    auto obs = Message::from_bytes("Received : from x by y\n\n");
    ASSERT_TRUE(obs);
    ASSERT_EQ(obs->fields("Received").size(), 1u);
    EXPECT_EQ(obs->fields("Received")[0]->unfolded, "from x by y");
}

TEST(Message, MimeStructureOnRequest)
{
    const std::string text = "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
                             "boundary=zz\n\n--zz\nContent-Type: text/plain\n\nhi\n--zz--\n";
    auto full = Message::from_bytes(text);
    ASSERT_TRUE(full);
    ASSERT_NE(full->mime(), nullptr);
    EXPECT_TRUE(GMIME_IS_MULTIPART(g_mime_message_get_mime_part(full->mime())));
    LoadLimits headers_only;
    headers_only.headers_only = true;
    EXPECT_EQ(Message::from_bytes(text, headers_only)->mime(), nullptr);
}

TEST(Message, TooLargeIsAnErrorNotAPartialRead)
{
    LoadLimits limits;
    limits.max_message_bytes = 100;
    auto msg = Message::from_bytes(std::string(101, 'x'), limits);
    ASSERT_FALSE(msg);
    EXPECT_EQ(msg.error().kind, fightback::ErrorKind::limit);
}

TEST(Message, MissingFileIsAnIoError)
{
    auto msg = Message::load_file("no/such/file.eml");
    ASSERT_FALSE(msg);
    EXPECT_EQ(msg.error().kind, fightback::ErrorKind::io);
}

} // namespace
