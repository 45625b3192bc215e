// IpAddress: strict and lenient parsing, canonical printing, classification.
#include <cctype>
#include <string>

#include <gtest/gtest.h>

#include "fightback/net/ip_address.hpp"

using fightback::net::IpAddress;

namespace {

struct LenientCase {
    const char* input;
    const char* expected; // nullptr: must not parse
};

class LenientParse : public ::testing::TestWithParam<LenientCase> {};

TEST_P(LenientParse, NormalisesWhatMtasWrite)
{
    const auto& c = GetParam();
    auto ip = IpAddress::parse_lenient(c.input);
    if (!c.expected) {
        EXPECT_FALSE(ip.has_value()) << c.input << " parsed as " << ip->to_string();
        return;
    }
    ASSERT_TRUE(ip.has_value()) << c.input;
    EXPECT_EQ(ip->to_string(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Forms, LenientParse,
    ::testing::Values(LenientCase{"192.0.2.1", "192.0.2.1"},
                      LenientCase{"[192.0.2.1]", "192.0.2.1"},
                      LenientCase{"192.0.2.1:25", "192.0.2.1"},
                      LenientCase{"[192.0.2.1]:2525", "192.0.2.1"},
                      LenientCase{"IPv6:2001:db8::1", "2001:db8::1"},
                      LenientCase{"[IPv6:2001:DB8:0:0:0:0:0:1]", "2001:db8::1"},
                      LenientCase{"ipv6:2001:db8::1", "2001:db8::1"},
                      LenientCase{"fe80::1%eth0", "fe80::1"},
                      LenientCase{"[fe80::1%25en0]", "fe80::1"},
                      LenientCase{"::ffff:198.51.100.7", "198.51.100.7"},
                      LenientCase{"[IPv6:::ffff:198.51.100.7]", "198.51.100.7"},
                      LenientCase{"0:0:0:0:0:ffff:c633:6407", "198.51.100.7"},
                      LenientCase{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
                      LenientCase{"2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"},
                      LenientCase{"::", "::"},
                      LenientCase{"::1", "::1"},
                      LenientCase{"1::", "1::"},
                      LenientCase{"256.1.1.1", nullptr},
                      LenientCase{"1.2.3", nullptr},
                      LenientCase{"1.2.3.4.5", nullptr},
                      LenientCase{"1.2.3.4:99999", nullptr},
                      LenientCase{"2001:db8:::1", nullptr},
                      LenientCase{"2001:db8::1::2", nullptr},
                      LenientCase{"1:2:3:4:5:6:7:8:9", nullptr},
                      LenientCase{"[192.0.2.1", nullptr},
                      LenientCase{"example.com", nullptr},
                      LenientCase{"", nullptr},
                      LenientCase{"1.2.3.04444", nullptr}),
    [](const ::testing::TestParamInfo<LenientCase>& info) {
        // gtest names allow only alphanumerics and underscores
        std::string name = "case" + std::to_string(info.index) + "_";
        for (const char* p = info.param.input; *p; ++p)
            name += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
        return name;
    });

TEST(IpAddress, StrictRejectsDecoration)
{
    EXPECT_FALSE(IpAddress::parse("[192.0.2.1]"));
    EXPECT_FALSE(IpAddress::parse("192.0.2.1:25"));
    EXPECT_FALSE(IpAddress::parse("IPv6:2001:db8::1"));
    EXPECT_TRUE(IpAddress::parse("2001:db8::1"));
}

TEST(IpAddress, Classification)
{
    auto p = [](const char* s) { return *IpAddress::parse(s); };
    EXPECT_TRUE(p("127.0.0.1").is_loopback());
    EXPECT_TRUE(p("::1").is_loopback());
    EXPECT_FALSE(p("10.0.0.1").is_loopback());

    for (const char* s : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                          "169.254.3.4", "100.64.0.1", "127.0.0.1", "fe80::1", "fd00::1"})
        EXPECT_TRUE(p(s).is_private()) << s;
    for (const char* s : {"172.32.0.1", "192.0.2.1", "8.8.8.8", "100.128.0.1", "2001:db8::1"})
        EXPECT_FALSE(p(s).is_private()) << s;

    for (const char* s : {"192.0.2.1", "198.51.100.1", "203.0.113.9", "0.1.2.3", "224.0.0.1",
                          "240.0.0.1", "198.18.0.1", "2001:db8::1", "ff02::1", "10.0.0.1"})
        EXPECT_TRUE(p(s).is_special_purpose()) << s;
    for (const char* s : {"8.8.8.8", "66.187.233.211", "2001:4860:4860::8888"})
        EXPECT_FALSE(p(s).is_special_purpose()) << s;
}

} // namespace
