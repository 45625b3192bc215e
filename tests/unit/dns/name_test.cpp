// Name checks: what a hostname from DNS may hold, the reasons given, reverse names.
#include <gtest/gtest.h>

#include "fightback/dns/name.hpp"

namespace fightback::dns {
namespace {

std::string refusal(std::string_view text, NameRules rules = NameRules::hostname)
{
    auto r = normalize_name(text, rules);
    return r ? std::string("accepted: ") + *r : r.error().message;
}

TEST(DnsName, AcceptsAndLowercasesHostnames)
{
    EXPECT_EQ(*normalize_name("Mail.Example.TEST.", NameRules::hostname), "mail.example.test");
    EXPECT_EQ(*normalize_name("xn--bcher-kva.example", NameRules::hostname),
              "xn--bcher-kva.example");
    EXPECT_EQ(*normalize_name("a-b.c0", NameRules::hostname), "a-b.c0");
    EXPECT_EQ(*normalize_name("_dmarc.example.test", NameRules::lookup), "_dmarc.example.test");
    EXPECT_EQ(*normalize_name("10.2.0.192.in-addr.arpa", NameRules::lookup),
              "10.2.0.192.in-addr.arpa");
}

struct Refused {
    std::string text;
    const char* reason_part;
};

class DnsNameRefused : public ::testing::TestWithParam<Refused> {};

TEST_P(DnsNameRefused, SaysWhy)
{
    const auto& c = GetParam();
    const std::string why = refusal(c.text);
    EXPECT_NE(why.find(c.reason_part), std::string::npos) << why;
    EXPECT_EQ(why.find('\r'), std::string::npos);
    EXPECT_EQ(why.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DnsNameRefused,
    ::testing::Values(
        Refused{"mail\r\n.example.test", "line break (CR/LF) (\\x0d)"},
        Refused{"mail\n.example.test", "line break (CR/LF) (\\x0a)"},
        Refused{"ma\x01il.example.test", "control character (\\x01)"},
        Refused{"ma\x7fil.example.test", "control character (\\x7f)"},
        Refused{"m\xc3\xa4il.example.test", "non-ASCII octet (\\xc3)"},
        Refused{"mail example.test", "no hostname may hold (' ')"},
        Refused{"mail.exa\\mple.test", "no hostname may hold ('\\')"},
        Refused{"mail_1.example.test", "no hostname may hold ('_')"},
        Refused{"mail.example.test:25", "no hostname may hold (':')"},
        Refused{"-mail.example.test", "label 1 starts or ends with a hyphen"},
        Refused{"mail.example-.test", "label 2 starts or ends with a hyphen"},
        Refused{"mail..example.test", "label 2 is empty"},
        Refused{".example.test", "label 1 is empty"},
        Refused{"", "empty (the root)"},
        Refused{".", "empty (the root)"},
        Refused{std::string(64, 'a') + ".test", "label 1 is 64 octets long (at most 63)"},
        Refused{"192.0.2.1", "all digits"},
        Refused{"mail.123", "all digits"}));

TEST(DnsName, NameLengthLimit)
{
    // 63+1+63+1+63+1+61 = 253 octets: the longest name allowed.
    const std::string l63(63, 'a');
    const std::string ok = l63 + "." + l63 + "." + l63 + "." + std::string(61, 'b');
    ASSERT_EQ(ok.size(), 253u);
    EXPECT_TRUE(normalize_name(ok, NameRules::hostname));
    EXPECT_TRUE(normalize_name(ok + ".", NameRules::hostname));
    const std::string over = l63 + "." + l63 + "." + l63 + "." + std::string(62, 'b');
    EXPECT_NE(refusal(over).find("254 octets long (at most 253)"), std::string::npos)
        << refusal(over);
    EXPECT_FALSE(normalize_name(std::string(1000, 'a'), NameRules::hostname));
}

TEST(DnsName, RawLabelsMayHoldDots)
{
    // A label with a dot inside (possible on the wire) is not two labels.
    std::vector<std::string> labels{"a.b", "test"};
    auto r = check_labels(labels, NameRules::hostname);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("('.')"), std::string::npos) << r.error().message;
}

TEST(DnsName, ReverseNames)
{
    EXPECT_EQ(reverse_name(*net::IpAddress::parse("192.0.2.10")), "10.2.0.192.in-addr.arpa");
    EXPECT_EQ(reverse_name(*net::IpAddress::parse("2001:db8::25")),
              "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}

TEST(DnsName, Parents)
{
    EXPECT_EQ(parent_name("a.b.c"), "b.c");
    EXPECT_EQ(parent_name("c"), std::nullopt);
    EXPECT_TRUE(is_at_or_below("a.b.c", "b.c"));
    EXPECT_TRUE(is_at_or_below("b.c", "b.c"));
    EXPECT_FALSE(is_at_or_below("ab.c", "b.c"));
    EXPECT_FALSE(is_at_or_below("c", "b.c"));
}

} // namespace
} // namespace fightback::dns
