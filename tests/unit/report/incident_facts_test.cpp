// What a report takes from a traced message: the arrival date our MX wrote, the envelope
// sender and recipient our servers recorded, the Message-ID, our MX's name; the recipients and
// the forward-confirmed domain from the contacts' decision.
#include <gtest/gtest.h>

#include "fightback/mail/message.hpp"
#include "fightback/report/incident_facts.hpp"

namespace fightback::report {
namespace {

trace::Trace traced(const mail::Message& m)
{
    trace::TraceOptions o;
    o.trust.assume_routable = *net::NetworkSet::parse("198.51.100.0/24");
    o.now = 1'700'000'000;
    return trace::trace_message(m, o);
}

TEST(IncidentFacts, FromTheOriginHop)
{
    auto m = mail::Message::load_file(std::string(FIGHTBACK_TEST_DATA) + "/mail/worm-via-mx.eml");
    ASSERT_TRUE(m) << m.error().message;
    auto t = traced(*m);
    auto f = message_facts(*m, t, 42);
    EXPECT_EQ(f.arrival, 1065081603); // Thu, 2 Oct 2003 10:00:03 +0200, on mx1's line
    EXPECT_EQ(*f.original_id, "<worm-0001@dsl-45.isp.example>");
    EXPECT_EQ(*f.mail_from, "nobody@dsl-45.isp.example");
    EXPECT_EQ(*f.rcpt_to, "alice@ours.example");
    EXPECT_EQ(*f.receiving_host, "mx1.ours.example");

    abuse::Decision d;
    d.to = {"abuse@isp.example"};
    d.cc = {"postmaster@isp.example"};
    d.automatic = true;
    d.candidates = {{"abuse@isp.example", "rdap+domain", 90, "r"},
                    {"postmaster@isp.example", "dns-zone", 50, "z"}};
    auto in = make_incident(*m, t, d, FeedbackType::virus, "Worm.Swen", 42);
    EXPECT_EQ(in.source.to_string(), "198.51.100.45");
    EXPECT_TRUE(in.automatic);
    EXPECT_EQ(in.to, "abuse@isp.example");
    EXPECT_EQ(*in.reported_domain, "isp.example");
    EXPECT_EQ(in.message, m->bytes());
    d.candidates[0].source = "rdap";
    EXPECT_FALSE(confirmed_domain(d));
}

TEST(IncidentFacts, HostileValuesAreDropped)
{
    auto m = mail::Message::from_bytes(
        "Return-Path: <a b@c\x01.example>\n"
        "Delivered-To: not an address\n"
        "Message-ID: <id with space@x>\n"
        "Received: from x ([198.51.100.9]) by mx!bad; Tue, 14 Nov 2023 22:13:20 +0000\n\nbody\n");
    ASSERT_TRUE(m);
    auto f = message_facts(*m, traced(*m), 42);
    EXPECT_FALSE(f.mail_from);
    EXPECT_FALSE(f.rcpt_to);
    EXPECT_FALSE(f.original_id);
    EXPECT_FALSE(f.receiving_host);
    EXPECT_EQ(f.arrival, 1700000000);
}

} // namespace
} // namespace fightback::report
