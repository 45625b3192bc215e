// The WHOIS client against TCP servers on loopback answering from files: IANA's refer:, ARIN
// referrals with and without a port, rwhois left alone, throttling backed off.
#include <gtest/gtest.h>

#include "fightback/abuse/registry_answer.hpp"
#include "fightback/abuse/whois_client.hpp"
#include "test_world.hpp"

namespace fightback::abuse {
namespace {

class WhoisClientTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        world = testing::start_whois_world();
        if (!world)
            GTEST_SKIP() << "python3 or the WHOIS test server is not available";
        options.connect_to = world->connect_to;
        options.loopback_only = true;
        options.timeout = std::chrono::milliseconds(5000);
    }

    Expected<WhoisLookup> lookup(const char* ip, const char* start = nullptr)
    {
        WhoisClient client(limiter, options);
        std::optional<WhoisServer> s;
        if (start)
            s = parse_whois_server(start);
        return client.lookup(*net::IpAddress::parse(ip), s);
    }

    std::optional<testing::WhoisWorld> world;
    RateLimiter limiter{std::chrono::milliseconds(0)};
    WhoisOptions options;
};

TEST(WhoisServerText, Forms)
{
    EXPECT_EQ(parse_whois_server("whois.arin.net")->to_string(), "whois.arin.net");
    EXPECT_EQ(parse_whois_server("whois://whois.apnic.net")->port, 43);
    EXPECT_EQ(parse_whois_server("whois://whois.nic.example:4343")->port, 4343);
    auto rw = parse_whois_server("rwhois://rwhois.isp.example:4321");
    ASSERT_TRUE(rw);
    EXPECT_TRUE(rw->rwhois);
    EXPECT_FALSE(parse_whois_server("http://x.example"));
    EXPECT_FALSE(parse_whois_server("host:99999"));
    EXPECT_FALSE(parse_whois_server("bad host"));
    WhoisOptions o;
    auto ip = *net::IpAddress::parse("192.0.2.1");
    EXPECT_EQ(whois_query(*parse_whois_server("whois.arin.net"), ip, o), "n 192.0.2.1");
    EXPECT_EQ(whois_query(*parse_whois_server("whois.ripe.net"), ip, o), "-b 192.0.2.1");
    EXPECT_EQ(whois_query(*parse_whois_server("whois.lacnic.net"), ip, o), "192.0.2.1");
}

TEST_F(WhoisClientTest, IanaReferToLacnic)
{
    auto r = lookup("203.0.113.10");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->server, "whois.lacnic.net");
    EXPECT_EQ(r->chain, (std::vector<std::string>{"whois.iana.org", "whois.lacnic.net"}));
    auto a = answer_from_whois(r->answer, r->server);
    EXPECT_EQ(rank(a.evidence, {}).to.front(), "Abuse@isp-ten.example");
}

TEST_F(WhoisClientTest, ArinReferralWithoutPort)
{
    auto r = lookup("192.0.2.120", "whois.arin.net");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->server, "whois.apnic.net");
    EXPECT_EQ(r->answer.contacts.front().address, "abuse@isp-six.example");
}

TEST_F(WhoisClientTest, ArinReferralWithPort)
{
    auto r = lookup("192.0.2.121", "whois.arin.net");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->server, "whois.nic.example:4343");
    EXPECT_EQ(r->answer.contacts.front().address, "abuse@isp-eight.example");
}

TEST_F(WhoisClientTest, RwhoisIsOffByDefault)
{
    auto r = lookup("192.0.2.122", "whois.arin.net");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->server, "whois.arin.net");
    EXPECT_EQ(r->answer.contacts.front().address, "abuse@customer-nine.example");
    bool noted = false;
    for (const auto& n : r->notes)
        noted = noted || n.find("rwhois") != std::string::npos;
    EXPECT_TRUE(noted);
}

TEST_F(WhoisClientTest, ThrottlingIsRecognisedAndBackedOff)
{
    options.throttle_backoff = std::chrono::seconds(3600);
    auto r = lookup("192.0.2.250");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary);
    EXPECT_NE(r.error().message.find("throttling"), std::string::npos);
    // The next request to that registry would wait an hour: check the deferral without waiting.
    EXPECT_EQ(limiter.counts()["RIPE NCC"], 1);
}

TEST_F(WhoisClientTest, OversizeAndUnreachable)
{
    options.max_answer = 100;
    auto big = lookup("192.0.2.120", "whois.arin.net");
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind, ErrorKind::limit);
    options.max_answer = 512 * 1024;
    options.connect_to.clear();
    auto nowhere = lookup("192.0.2.120", "whois.arin.net");
    ASSERT_FALSE(nowhere);
    EXPECT_EQ(nowhere.error().kind, ErrorKind::temporary);
}

} // namespace
} // namespace fightback::abuse
