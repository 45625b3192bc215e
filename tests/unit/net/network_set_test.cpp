// NetworkSet: SpamAssassin's trusted_networks syntax and first-match-wins exclusions.
#include <gtest/gtest.h>

#include "fightback/net/network_set.hpp"

using fightback::net::IpAddress;
using fightback::net::NetworkSet;

namespace {

bool has(const NetworkSet& set, const char* ip)
{
    return set.contains(*IpAddress::parse(ip));
}

TEST(NetworkSet, ShortForms)
{
    auto set = NetworkSet::parse("10/8 1.2/16 1.3.4. 5. 6.7");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_TRUE(has(*set, "10.200.1.1"));
    EXPECT_TRUE(has(*set, "1.2.99.99"));
    EXPECT_FALSE(has(*set, "1.3.5.1"));
    EXPECT_TRUE(has(*set, "1.3.4.200"));
    EXPECT_TRUE(has(*set, "5.9.9.9"));
    EXPECT_TRUE(has(*set, "6.7.0.1"));
    EXPECT_FALSE(has(*set, "11.0.0.1"));
    EXPECT_EQ(set->to_string(), "10.0.0.0/8 1.2.0.0/16 1.3.4.0/24 5.0.0.0/8 6.7.0.0/16");
}

TEST(NetworkSet, CidrMasksHostBits)
{
    auto set = NetworkSet::parse("192.0.2.77/24");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->to_string(), "192.0.2.0/24");
    EXPECT_TRUE(has(*set, "192.0.2.1"));
}

TEST(NetworkSet, ExclusionFirstMatchWins)
{
    auto set = NetworkSet::parse("!192.0.2.7 192.0.2.0/24");
    ASSERT_TRUE(set);
    EXPECT_FALSE(has(*set, "192.0.2.7"));
    EXPECT_TRUE(has(*set, "192.0.2.8"));
    // Order matters, as in SpamAssassin: the exclusion after the network never applies.
    auto late = NetworkSet::parse("192.0.2.0/24 !192.0.2.7");
    ASSERT_TRUE(late);
    EXPECT_TRUE(has(*late, "192.0.2.7"));
}

TEST(NetworkSet, Ipv6AndBrackets)
{
    auto set = NetworkSet::parse("2001:db8:1::1 !2001:db8:1::/64 2001:db8::/32 [2001:db9::]/48");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_TRUE(has(*set, "2001:db8:1::1"));
    EXPECT_FALSE(has(*set, "2001:db8:1::2"));
    EXPECT_TRUE(has(*set, "2001:db8:2::2"));
    EXPECT_TRUE(has(*set, "2001:db9::5"));
    EXPECT_FALSE(has(*set, "192.0.2.1"));
}

TEST(NetworkSet, Ranges)
{
    auto set = NetworkSet::parse("192.0.2.10-192.0.2.20");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_FALSE(has(*set, "192.0.2.9"));
    EXPECT_TRUE(has(*set, "192.0.2.10"));
    EXPECT_TRUE(has(*set, "192.0.2.20"));
    EXPECT_FALSE(has(*set, "192.0.2.21"));
}

TEST(NetworkSet, ErrorsNameTheEntry)
{
    for (const char* bad : {"10/33", "300.1.1.1", "1.2.3.4.5", "foo", "10/x", "::1/129",
                            "192.0.2.20-192.0.2.10", "1..2"}) {
        auto set = NetworkSet::parse(bad);
        ASSERT_FALSE(set) << bad;
        EXPECT_NE(set.error().message.find(bad), std::string::npos) << set.error().message;
    }
}

TEST(NetworkSet, SeparatorsAndEmpty)
{
    auto set = NetworkSet::parse("  10/8,\t192.0.2.1  ");
    ASSERT_TRUE(set);
    EXPECT_TRUE(has(*set, "192.0.2.1"));
    auto empty = NetworkSet::parse("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

} // namespace
