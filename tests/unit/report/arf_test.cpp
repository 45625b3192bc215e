// The ARF writer: the three parts and their types, the feedback fields, what is attached when,
// the identity headers, and that no value from outside can add a header line.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fightback/report/arf.hpp"
#include "fightback/report/mime_text.hpp"
#include "report_reader.hpp"

namespace fightback::report {
namespace {

using testing::read_report;
using testing::top_header_names;

const std::string original =
    "Return-Path: <worm@dsl-45.isp.example>\n"
    "Received: from dsl-45.isp.example (dsl-45.isp.example [198.51.100.45])\n"
    "\tby mx1.ours.example (Postfix) with SMTP id 91F2E3310\n"
    "\tfor <alice@ours.example>; Thu,  2 Oct 2003 10:00:03 +0200 (CEST)\n"
    "From: \"Microsoft\" <rqfolgo@msdn.example>\n"
    "Subject: Current Net Patch\n"
    "Message-ID: <worm-0001@dsl-45.isp.example>\n"
    "\n"
    "Body line one.\n"
    ".a line starting with a dot\n"
    "From the end\n";

class ArfTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ::setenv("TZ", "Europe/Berlin", 1);
        ::tzset();
    }

    ReportContent content() const
    {
        ReportContent c;
        c.type = FeedbackType::virus;
        c.message_id = "<fightback.1.abc@reports.example>";
        c.date = 1065081600; // 2003-10-02 08:00:00 UTC
        c.to = "abuse@isp.example";
        c.cc = {"postmaster@isp.example"};
        c.source = *net::IpAddress::parse("198.51.100.45");
        c.arrival = 1065081603;
        c.mail_from = "worm@dsl-45.isp.example";
        c.rcpt_to = "alice@ours.example";
        c.reported_domain = "isp.example";
        c.original_id = "<worm-0001@dsl-45.isp.example>";
        c.detection = "Worm.Swen";
        c.original = original;
        return c;
    }
    ComposeOptions options() const
    {
        ComposeOptions o;
        o.identity.name = "Fight Back";
        o.identity.address = "reports@reports.example";
        o.identity.reply_to = "desk@reports.example";
        o.identity.reporting_mta = "mx1.ours.example";
        return o;
    }
};

TEST_F(ArfTest, ThreePartsOfTheRightTypes)
{
    auto bytes = compose_report(content(), options());
    ASSERT_TRUE(bytes) << bytes.error().message;
    auto r = read_report(*bytes);
    ASSERT_TRUE(r.parsed);
    EXPECT_EQ(r.content_type, "multipart/report");
    EXPECT_EQ(r.report_type, "feedback-report");
    ASSERT_EQ(r.part_types.size(), 3u);
    EXPECT_EQ(r.part_types[0], "text/plain");
    EXPECT_EQ(r.part_types[1], "message/feedback-report");
    EXPECT_EQ(r.part_types[2], "message/rfc822");
    // Every line ends in CRLF and none is longer than RFC 5322 allows.
    std::size_t pos = 0;
    while ((pos = bytes->find('\n', pos)) != std::string::npos) {
        ASSERT_GT(pos, 0u);
        EXPECT_EQ((*bytes)[pos - 1], '\r');
        ++pos;
    }
    EXPECT_TRUE(is_7bit_clean(*bytes));
}

TEST_F(ArfTest, FeedbackFields)
{
    auto r = read_report(*compose_report(content(), options()));
    auto one = [&](const char* name) {
        EXPECT_EQ(r.fields.count(name), 1u) << name;
        auto it = r.fields.find(name);
        return it == r.fields.end() ? std::string() : it->second;
    };
    EXPECT_EQ(one("Feedback-Type"), "virus");
    EXPECT_EQ(one("User-Agent"), std::string("fightback/") + FIGHTBACK_VERSION);
    EXPECT_EQ(one("Version"), "1");
    EXPECT_EQ(one("Source-IP"), "198.51.100.45");
    EXPECT_EQ(one("Arrival-Date"), "Thu, 2 Oct 2003 10:00:03 +0200");
    EXPECT_EQ(one("Original-Mail-From"), "<worm@dsl-45.isp.example>");
    EXPECT_EQ(one("Reported-Domain"), "isp.example");
    EXPECT_EQ(one("Incidents"), "1");
    EXPECT_EQ(one("Reporting-MTA"), "dns; mx1.ours.example");
    // Our own user's address stays out unless configured.
    EXPECT_EQ(r.fields.count("Original-Rcpt-To"), 0u);
    auto o = options();
    o.include_rcpt_to = true;
    auto with = read_report(*compose_report(content(), o));
    ASSERT_EQ(with.fields.count("Original-Rcpt-To"), 1u);
    EXPECT_EQ(with.fields.find("Original-Rcpt-To")->second, "<alice@ours.example>");
    auto c = content();
    c.type = FeedbackType::abuse;
    EXPECT_EQ(read_report(*compose_report(c, options())).fields.find("Feedback-Type")->second,
              "abuse");
}

TEST_F(ArfTest, IdentityHeaders)
{
    auto bytes = *compose_report(content(), options());
    auto r = read_report(bytes);
    EXPECT_EQ(r.headers["From"].at(0), "Fight Back <reports@reports.example>");
    EXPECT_EQ(r.headers["To"].at(0), "abuse@isp.example");
    EXPECT_EQ(r.headers["Cc"].at(0), "postmaster@isp.example");
    EXPECT_EQ(r.headers["Reply-To"].at(0), "desk@reports.example");
    EXPECT_EQ(r.headers["Message-ID"].at(0), "<fightback.1.abc@reports.example>");
    EXPECT_EQ(r.headers["Auto-Submitted"].at(0), "auto-generated");
    EXPECT_EQ(r.headers["Date"].at(0), "Thu, 2 Oct 2003 10:00:00 +0200");
    const std::string subject = r.headers["Subject"].at(0);
    EXPECT_NE(subject.find("198.51.100.45"), std::string::npos) << subject;
    EXPECT_NE(subject.find("2003-10-02 10:00:03 +0200"), std::string::npos) << subject;
    EXPECT_EQ(top_header_names(bytes).front(), "From");
}

TEST_F(ArfTest, OriginalAttachedIntact)
{
    auto r = read_report(*compose_report(content(), options()));
    // GMime writes the inner message back as it read it: the original, CRLF ends aside.
    EXPECT_EQ(to_lf(r.attached), original);
}

TEST_F(ArfTest, EightBitOrLargeOriginalsGoAsHeadersOnly)
{
    auto c = content();
    const std::string eight_bit = original + "Gr\xc3\xbc\xc3\x9f" "e\n";
    c.original = eight_bit;
    auto r = read_report(*compose_report(c, options()));
    ASSERT_EQ(r.part_types.size(), 3u);
    EXPECT_EQ(r.part_types[2], "text/rfc822-headers");
    EXPECT_EQ(to_lf(r.attached), std::string(header_part(original)));
    EXPECT_NE(r.letter.find("Only the header"), std::string::npos);

    c = content();
    auto o = options();
    o.max_attached_bytes = 100;
    r = read_report(*compose_report(c, o));
    EXPECT_EQ(r.part_types[2], "text/rfc822-headers");

    // An 8-bit header travels quoted-printable and decodes back to the same bytes.
    const std::string eight_bit_header = "Subject: Gr\xc3\xbc\xc3\x9f" "e\nFrom: a@b.example\n\nbody\n";
    c.original = eight_bit_header;
    auto bytes = *compose_report(c, options());
    EXPECT_TRUE(is_7bit_clean(bytes));
    r = read_report(bytes);
    EXPECT_EQ(to_lf(r.attached), std::string(header_part(eight_bit_header)));
}

TEST_F(ArfTest, LettersListTheOtherIncidents)
{
    auto c = content();
    c.incidents = 3;
    c.first_arrival = c.arrival - 7200;
    c.others = {{c.arrival - 3600, "<worm-0002@dsl-45.isp.example>", "Worm.Swen"},
                {c.arrival - 7200, std::nullopt, "Worm.Swen"}};
    auto r = read_report(*compose_report(c, options()));
    EXPECT_EQ(r.fields.find("Incidents")->second, "3");
    EXPECT_NE(r.letter.find("3 such messages"), std::string::npos) << r.letter;
    EXPECT_NE(r.letter.find("<worm-0002@dsl-45.isp.example>"), std::string::npos);
    EXPECT_NE(r.letter.find("(no Message-ID)"), std::string::npos);
    auto o = options();
    o.max_listed = 1;
    r = read_report(*compose_report(c, o));
    EXPECT_NE(r.letter.find("and 1 more"), std::string::npos) << r.letter;
}

// Values from the mail, DNS or a registry that try to add a header line (or a MIME part)
// are refused or reduced; the top-level header names stay exactly ours.
TEST_F(ArfTest, NoHeaderInjection)
{
    const std::vector<std::string> ours = {"From", "To", "Cc", "Reply-To", "Subject", "Date",
                                           "Message-ID", "Auto-Submitted", "MIME-Version",
                                           "Content-Type"};
    struct Case {
        const char* what;
        std::function<void(ReportContent&)> poison;
    };
    const std::vector<Case> cases = {
        {"detection", [](ReportContent& c) { c.detection = "Worm\r\nBcc: victim@x.example"; }},
        {"detection LF", [](ReportContent& c) { c.detection = "Worm\nBcc: victim@x.example"; }},
        {"mail from", [](ReportContent& c) { c.mail_from = "a@b.example>\r\nBcc: v@x.example"; }},
        {"rcpt to", [](ReportContent& c) { c.rcpt_to = "a@b.example\nBcc: v@x.example"; }},
        {"reported domain", [](ReportContent& c) { c.reported_domain = "isp.example\r\nX: y"; }},
        {"original id", [](ReportContent& c) { c.original_id = "<a@b>\r\nBcc: v@x.example"; }},
        {"boundary in original",
         [](ReportContent& c) { c.original = "Subject: x\n\n--=_fightback_\n"; }},
    };
    for (const auto& k : cases) {
        auto c = content();
        auto o = options();
        o.include_rcpt_to = true;
        k.poison(c);
        auto bytes = compose_report(c, o);
        if (!bytes)
            continue; // refused outright is fine
        EXPECT_EQ(top_header_names(*bytes), ours) << k.what;
        EXPECT_EQ(bytes->find("\r\nBcc:"), std::string::npos) << k.what;
        EXPECT_EQ(bytes->find("\nX: y"), std::string::npos) << k.what;
        auto r = read_report(*bytes);
        EXPECT_EQ(r.part_types.size(), 3u) << k.what;
        for (const auto& [name, value] : r.fields)
            EXPECT_TRUE(name != "Bcc" && name != "X") << k.what;
    }
    // Values from the config are refused, not repaired.
    auto o = options();
    o.identity.name = "Fight\r\nBcc: victim@x.example";
    EXPECT_FALSE(compose_report(content(), o));
    o = options();
    o.identity.reply_to = "a@b.example\r\nBcc: v@x.example";
    EXPECT_FALSE(compose_report(content(), o));
    auto c = content();
    c.to = "abuse@isp.example\r\nBcc: v@x.example";
    EXPECT_FALSE(compose_report(c, options()));
    c = content();
    c.message_id = "<a@b>\nBcc: v@x.example";
    EXPECT_FALSE(compose_report(c, options()));
}

TEST_F(ArfTest, DisplayNamesAreQuotedOrEncoded)
{
    auto o = options();
    o.identity.name = "Abuse \"Desk\", Ours";
    auto r = read_report(*compose_report(content(), o));
    EXPECT_EQ(r.headers["From"].at(0), "\"Abuse \\\"Desk\\\", Ours\" <reports@reports.example>");
    o.identity.name = "Müller";
    auto bytes = *compose_report(content(), o);
    EXPECT_TRUE(is_7bit_clean(bytes));
    EXPECT_NE(bytes.find("From: =?UTF-8?B?"), std::string::npos);
}

TEST(MessageIds, FreshAndWellFormed)
{
    auto a = new_message_id("reports@reports.example", 1000);
    auto b = new_message_id("reports@reports.example", 1000);
    EXPECT_NE(a, b);
    EXPECT_TRUE(a.starts_with("<fightback.1000."));
    EXPECT_TRUE(a.ends_with("@reports.example>"));
}

} // namespace
} // namespace fightback::report
