// The RDAP client against a real HTTP server on loopback serving the project's answers in the
// shapes of the five registries: redirects between registries, entities fetched by their self
// link, 429 with Retry-After, server errors, garbage, hostile sizes.
#include <gtest/gtest.h>

#include "fightback/abuse/rdap_client.hpp"
#include "fightback/abuse/registry_answer.hpp"
#include "test_world.hpp"

namespace fightback::abuse {
namespace {

class RdapClientTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        world = testing::start_rdap_world();
        if (!world)
            GTEST_SKIP() << "python3 or the RDAP test server is not available";
        auto b = Bootstrap::load(testing::test_data("rdap/bootstrap"));
        ASSERT_TRUE(b) << b.error().message;
        bootstrap = std::move(*b);
        options.http.connect_to = world->connect_to;
        options.http.loopback_only = true;
        options.http.timeout = std::chrono::milliseconds(5000);
        options.server_error_pause = std::chrono::milliseconds(10);
    }

    Expected<RdapLookup> lookup(const char* ip)
    {
        RdapClient client(bootstrap, limiter, options);
        return client.lookup(*net::IpAddress::parse(ip));
    }

    std::optional<testing::RdapWorld> world;
    Bootstrap bootstrap;
    RateLimiter limiter{std::chrono::milliseconds(0)};
    RdapOptions options;
};

TEST_F(RdapClientTest, ArinShape)
{
    auto r = lookup("192.0.2.10");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->host, "rdap.arin.net");
    EXPECT_TRUE(r->redirects.empty());
    auto a = answer_from_rdap(r->network, r->host);
    EXPECT_EQ(rank(a.evidence, {}).to.front(), "net-abuse@isp-one.example");
}

TEST_F(RdapClientTest, RedirectToAnotherRegistryIsFollowedAndRecorded)
{
    auto r = lookup("192.0.2.70");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->host, "rdap.lacnic.net");
    ASSERT_EQ(r->redirects.size(), 1u);
    EXPECT_EQ(r->redirects[0], "http://rdap.lacnic.net/rdap/ip/192.0.2.70");
    auto a = answer_from_rdap(r->network, r->host);
    EXPECT_EQ(a.answered_by, RegistryId::lacnic);
    EXPECT_EQ(rank(a.evidence, {}).to.front(), "Abuse.Desk@isp-four.example");
    EXPECT_EQ(limiter.counts()["LACNIC"], 1);
    EXPECT_EQ(limiter.counts()["ARIN"], 1);
}

TEST_F(RdapClientTest, RedirectLoopIsBounded)
{
    auto r = lookup("192.0.2.99");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("more than 5 redirects"), std::string::npos);
    EXPECT_EQ(limiter.counts()["ARIN"], 6);
}

TEST_F(RdapClientTest, RipeAndApnicShapesWithSelfLink)
{
    auto ripe = lookup("192.0.2.200");
    ASSERT_TRUE(ripe) << ripe.error().message;
    EXPECT_EQ(rank(answer_from_rdap(ripe->network, ripe->host).evidence, {}).to.front(),
              "abuse@isp-two.example");
    auto v6 = lookup("2001:db8:b::1");
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(v6->network.range->to_string(), "2001:db8:b::/48");
    auto apnic = lookup("198.51.100.7");
    ASSERT_TRUE(apnic) << apnic.error().message;
    ASSERT_EQ(apnic->network.abuse.size(), 1u);
    ASSERT_FALSE(apnic->network.abuse[0].emails.empty());
    EXPECT_EQ(apnic->network.abuse[0].emails[0].value, "abuse@isp-three.example");
    EXPECT_EQ(limiter.counts()["APNIC"], 2); // the network, then the entity
}

TEST_F(RdapClientTest, TooManyRequestsIsHonoured)
{
    const auto start = std::chrono::steady_clock::now();
    auto r = lookup("198.51.100.130");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
    EXPECT_EQ(limiter.counts()["APNIC"], 2);
    ASSERT_FALSE(r->notes.empty());
    EXPECT_NE(r->notes[0].find("429"), std::string::npos);

    options.max_retry_after = std::chrono::seconds(0); // too long a wait is a failure
    auto impatient = lookup("198.51.100.130");
    ASSERT_TRUE(impatient); // the route now answers 200
}

TEST_F(RdapClientTest, FailuresAreClearErrors)
{
    struct Case {
        const char* ip;
        ErrorKind kind;
        const char* text;
    };
    for (auto c : {Case{"198.51.100.200", ErrorKind::parse, "not JSON"},
                   Case{"198.51.100.201", ErrorKind::limit, "nests deeper"},
                   Case{"198.51.100.202", ErrorKind::limit, "larger than"},
                   Case{"198.51.100.204", ErrorKind::temporary, "HTTP 503"},
                   Case{"192.0.2.250", ErrorKind::not_found, "404"},
                   Case{"198.51.100.99", ErrorKind::not_found, "404"},
                   Case{"10.0.0.1", ErrorKind::not_found, "bootstrap"}}) {
        auto r = lookup(c.ip);
        ASSERT_FALSE(r) << c.ip;
        EXPECT_EQ(r.error().kind, c.kind) << c.ip << ": " << r.error().message;
        EXPECT_NE(r.error().message.find(c.text), std::string::npos)
            << c.ip << ": " << r.error().message;
    }
}

TEST_F(RdapClientTest, NothingLeavesLoopback)
{
    options.http.connect_to.clear(); // the names now resolve (or not) to real addresses
    auto r = lookup("192.0.2.10");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary);
}

} // namespace
} // namespace fightback::abuse
