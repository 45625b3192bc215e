// The trust walk, rule by rule, on hops built directly (the parser has its own tests).
#include <gtest/gtest.h>

#include "fightback/trace/trust.hpp"

namespace fightback::trace {
namespace {

Hop handover(const char* ip, const char* auth = nullptr)
{
    Hop h;
    h.kind = HopKind::handover;
    h.ip = net::IpAddress::parse(ip);
    if (auth)
        h.auth = auth;
    return h;
}

Hop of_kind(HopKind kind)
{
    Hop h;
    h.kind = kind;
    h.reason = "test";
    return h;
}

net::NetworkSet nets(const char* list)
{
    return *net::NetworkSet::parse(list);
}

TEST(TrustWalk, InferenceTrustsPrivateAndAuthenticated)
{
    std::vector<Hop> hops{handover("127.0.0.1"), handover("10.0.0.5"),
                          handover("198.51.100.9", "ESMTPSA"), handover("203.0.113.4"),
                          handover("192.168.1.1")};
    auto r = walk_trust(hops, {});
    EXPECT_TRUE(r.verdicts[0].trusted);
    EXPECT_TRUE(r.verdicts[1].trusted);
    EXPECT_TRUE(r.verdicts[2].trusted);
    EXPECT_FALSE(r.verdicts[3].trusted);
    // Nothing below the boundary is believed, private or not.
    EXPECT_FALSE(r.verdicts[4].trusted);
    ASSERT_TRUE(r.origin);
    EXPECT_EQ(*r.origin, 3u);
    EXPECT_NE(r.verdicts[3].reason.find("203.0.113.4"), std::string::npos);
}

TEST(TrustWalk, ConfiguredTrustedNetworks)
{
    TrustConfig c;
    c.trusted = nets("198.51.100.0/24");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("10.0.0.1"), handover("203.0.113.4")};
    auto r = walk_trust(hops, c);
    // Configured: a private address is not trusted unless listed.
    EXPECT_TRUE(r.verdicts[0].trusted);
    EXPECT_FALSE(r.verdicts[1].trusted);
    EXPECT_EQ(r.origin, 1u);
}

TEST(TrustWalk, LoopbackAlwaysTrustedEvenWhenExcluded)
{
    TrustConfig c;
    c.trusted = nets("!127.0.0.1 198.51.100.0/24");
    std::vector<Hop> hops{handover("127.0.0.1"), handover("::1"), handover("203.0.113.4")};
    auto r = walk_trust(hops, c);
    EXPECT_TRUE(r.verdicts[0].trusted);
    EXPECT_TRUE(r.verdicts[1].trusted);
    EXPECT_EQ(r.origin, 2u);
}

TEST(TrustWalk, ExclusionBreaksTrust)
{
    TrustConfig c;
    c.trusted = nets("!198.51.100.66 198.51.100.0/24");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("198.51.100.66")};
    EXPECT_EQ(walk_trust(hops, c).origin, 1u);
}

TEST(TrustWalk, InternalStandsInForTrustedAndBack)
{
    TrustConfig only_internal;
    only_internal.internal = nets("198.51.100.0/24");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("203.0.113.4")};
    auto r = walk_trust(hops, only_internal);
    EXPECT_TRUE(r.verdicts[0].trusted);
    EXPECT_TRUE(r.verdicts[0].internal);
    EXPECT_EQ(r.origin, 1u);

    TrustConfig only_trusted;
    only_trusted.trusted = nets("198.51.100.0/24");
    auto r2 = walk_trust(hops, only_trusted);
    EXPECT_TRUE(r2.verdicts[0].internal);
}

TEST(TrustWalk, TrustedButNotInternal)
{
    TrustConfig c;
    c.trusted = nets("198.51.100.0/24 192.0.2.0/24");
    c.internal = nets("198.51.100.0/24");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("192.0.2.9"), handover("198.51.100.3"),
                          handover("203.0.113.4")};
    auto r = walk_trust(hops, c);
    EXPECT_TRUE(r.verdicts[0].internal);
    EXPECT_TRUE(r.verdicts[1].trusted);
    EXPECT_FALSE(r.verdicts[1].internal);
    // Once external, a later internal-looking hop does not become internal again.
    EXPECT_FALSE(r.verdicts[2].internal);
    EXPECT_EQ(r.origin, 3u);
}

TEST(TrustWalk, AuthenticatedHopExtendsConfiguredTrust)
{
    TrustConfig c;
    c.trusted = nets("198.51.100.0/24");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("203.0.113.50", "ESMTPA"),
                          handover("203.0.113.4")};
    auto r = walk_trust(hops, c);
    EXPECT_TRUE(r.verdicts[1].trusted);
    EXPECT_TRUE(r.verdicts[1].internal);
    EXPECT_EQ(r.origin, 2u);
}

TEST(TrustWalk, MsaHopPassesItsTrustToOlderHops)
{
    TrustConfig c;
    c.trusted = nets("198.51.100.0/24");
    c.msa = nets("198.51.100.25");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("198.51.100.25"),
                          handover("203.0.113.77"), handover("203.0.113.78")};
    auto r = walk_trust(hops, c);
    EXPECT_TRUE(r.verdicts[1].msa);
    EXPECT_TRUE(r.verdicts[2].trusted);
    EXPECT_TRUE(r.verdicts[3].trusted);
    EXPECT_FALSE(r.origin.has_value());
}

TEST(TrustWalk, MsaOutsideTrustedDoesNothing)
{
    TrustConfig c;
    c.trusted = nets("198.51.100.0/24");
    c.msa = nets("203.0.113.77");
    std::vector<Hop> hops{handover("198.51.100.2"), handover("203.0.113.77"),
                          handover("203.0.113.78")};
    EXPECT_EQ(walk_trust(hops, c).origin, 1u);
}

TEST(TrustWalk, SkippedAndUnparseableLinesTakeNoPart)
{
    std::vector<Hop> hops{of_kind(HopKind::skipped), handover("10.0.0.1"),
                          of_kind(HopKind::unparseable), handover("203.0.113.4"),
                          of_kind(HopKind::unparseable)};
    auto r = walk_trust(hops, {});
    EXPECT_FALSE(r.verdicts[0].considered);
    EXPECT_EQ(r.origin, 3u);
    // Two warnings: one inside the trusted part, one below the boundary.
    ASSERT_EQ(r.warnings.size(), 2u);
    EXPECT_EQ(r.warnings[0].hop, 2u);
    EXPECT_EQ(r.warnings[1].hop, 4u);
    EXPECT_NE(r.warnings[1].text.find("below the trust boundary"), std::string::npos);
}

TEST(TrustWalk, FetchInsideTrustedPartContinuesWithFetchedServersLines)
{
    // fetchmail on localhost, then the lines of the mailbox provider.
    std::vector<Hop> hops{handover("127.0.0.1"), of_kind(HopKind::fetch),
                          handover("203.0.113.4")};
    auto r = walk_trust(hops, {});
    EXPECT_EQ(r.origin, 2u);
    EXPECT_NE(r.verdicts[1].reason.find("fetch"), std::string::npos);
}

TEST(TrustWalk, HandoverWithoutIpBreaksTrust)
{
    Hop no_ip;
    no_ip.kind = HopKind::handover;
    std::vector<Hop> hops{handover("10.0.0.1"), no_ip, handover("203.0.113.4")};
    auto r = walk_trust(hops, {});
    EXPECT_EQ(r.origin, 1u);
}

TEST(TrustWalk, AllTrustedMeansNoOrigin)
{
    std::vector<Hop> hops{handover("10.0.0.1"), handover("192.168.0.2")};
    EXPECT_FALSE(walk_trust(hops, {}).origin);
    EXPECT_FALSE(walk_trust({}, {}).origin);
}

} // namespace
} // namespace fightback::trace
