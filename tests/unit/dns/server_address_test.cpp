// DNS server addresses for --dns-server and [dns] servers.
#include <gtest/gtest.h>

#include "fightback/config/config.hpp"
#include "fightback/dns/server_address.hpp"

namespace fightback::dns {
namespace {

TEST(DnsServerAddress, Forms)
{
    auto a = ServerAddress::parse("127.0.0.1:5353");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->port, 5353);
    EXPECT_EQ(a->to_string(), "127.0.0.1:5353");
    auto b = ServerAddress::parse("[::1]:5353");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->to_string(), "[::1]:5353");
    EXPECT_EQ(ServerAddress::parse("192.0.2.53")->port, 53);
    EXPECT_EQ(ServerAddress::parse("::1")->to_string(), "[::1]:53");
    EXPECT_EQ(ServerAddress::parse("[2001:db8::53]")->to_string(), "[2001:db8::53]:53");
    std::vector<ServerAddress> both{*a, *b};
    EXPECT_EQ(servers_csv(both), "127.0.0.1:5353,[::1]:5353");
}

TEST(DnsServerAddress, Refusals)
{
    for (const char* bad : {"", "localhost:53", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                            "127.0.0.1:53x", "[::1", "[::1]5353", "::1:53x", "1.2.3.4:5:6",
                            "127.0.0.1:\r\n"}) {
        auto r = ServerAddress::parse(bad);
        EXPECT_FALSE(r) << bad;
        if (!r) {
            EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
        }
    }
}

TEST(DnsConfig, ServersTimeoutTries)
{
    auto c = config::parse(R"(
[dns]
servers = ["127.0.0.1:5353", "[::1]:5353"]
timeout_ms = 750
tries = 3
)",
                           "t.toml");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->dns.servers.size(), 2u);
    EXPECT_EQ(c->dns.servers[1].to_string(), "[::1]:5353");
    EXPECT_EQ(c->dns.timeout, std::chrono::milliseconds(750));
    EXPECT_EQ(c->dns.tries, 3);

    auto one = config::parse("[dns]\nservers = \"192.0.2.53\"\n", "t.toml");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->dns.servers.at(0).port, 53);

    auto none = config::parse("", "t.toml");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->dns.servers.empty());
    EXPECT_FALSE(none->dns.timeout);
}

TEST(DnsConfig, ErrorsNameTheKey)
{
    for (const char* bad : {"[dns]\nservers = [\"dns.example\"]\n", "[dns]\nservers = 53\n",
                            "[dns]\ntimeout_ms = 0\n", "[dns]\ntries = \"2\"\n",
                            "[dns]\ntries = 11\n", "dns = 1\n"}) {
        auto c = config::parse(bad, "t.toml");
        ASSERT_FALSE(c) << bad;
        EXPECT_NE(c.error().message.find("dns"), std::string::npos) << c.error().message;
    }
}

} // namespace
} // namespace fightback::dns
