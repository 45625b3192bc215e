// Forgery signs on hand-built chains: chain test, unroutable origin, dates.
#include <gtest/gtest.h>

#include "fightback/trace/trace.hpp"

namespace fightback::trace {
namespace {

Hop hop(const char* ip, const char* rdns, const char* by, std::int64_t date = 0)
{
    Hop h;
    h.kind = HopKind::handover;
    h.ip = net::IpAddress::parse(ip);
    if (rdns)
        h.rdns = rdns;
    if (by)
        h.by = by;
    if (date)
        h.date = date;
    return h;
}

Trace walked(std::vector<Hop> hops, const TrustConfig& config = {})
{
    Trace t;
    t.hops = std::move(hops);
    t.walk = walk_trust(t.hops, config);
    return t;
}

bool has_warning(const Trace& t, std::size_t hop_index, std::string_view text)
{
    for (const auto& w : t.walk.warnings)
        if (w.hop == hop_index && w.text.find(text) != std::string::npos)
            return true;
    return false;
}

constexpr std::int64_t now = 1'700'000'000;

TEST(Forgery, ChainHoldsWhenByMatchesSender)
{
    auto t = walked({hop("10.0.0.1", "relay.example.net", "mx.example.org"),
                     hop("8.8.8.8", "out.sender.example.com", "relay.example.net"),
                     hop("8.8.4.4", "client.example.com", "smtp.sender.example.com")});
    check_forgery(t, now);
    EXPECT_EQ(t.walk.origin, 1u);
    EXPECT_TRUE(t.walk.warnings.empty()) << t.walk.warnings.front().text;
    EXPECT_TRUE(t.origin_routable);
}

TEST(Forgery, ChainBrokenBelowOrigin)
{
    auto t = walked({hop("10.0.0.1", "relay.example.net", "mx.example.org"),
                     hop("8.8.8.8", "dsl-8-8-8-8.isp.example", "relay.example.net"),
                     hop("9.9.9.9", "mail.bank.example", "mx.bigmail.example")});
    check_forgery(t, now);
    EXPECT_TRUE(has_warning(t, 2, "chain broken"));
}

TEST(Forgery, ByIpLiteralMatchesSenderIp)
{
    auto t = walked({hop("8.8.8.8", nullptr, "mx.example.org"),
                     hop("9.9.9.9", nullptr, "[8.8.8.8]")});
    check_forgery(t, now);
    EXPECT_FALSE(has_warning(t, 1, "chain broken"));
}

TEST(Forgery, UnroutableOrigin)
{
    TrustConfig c;
    c.trusted = *net::NetworkSet::parse("198.51.99.0/24");
    auto t = walked({hop("198.51.99.1", nullptr, "mx.example.org"),
                     hop("192.168.7.7", nullptr, "relay.example.org")},
                    c);
    check_forgery(t, now);
    EXPECT_EQ(t.walk.origin, 1u);
    EXPECT_FALSE(t.origin_routable);
    EXPECT_TRUE(has_warning(t, 1, "cannot be known"));
}

TEST(Forgery, DatesBackwardsAndFuture)
{
    auto t = walked({hop("10.0.0.1", nullptr, "a.example", now - 100),
                     hop("8.8.8.8", nullptr, "b.example", now + 7200),
                     hop("9.9.9.9", nullptr, "c.example", now + 90 * 86400)});
    check_forgery(t, now);
    EXPECT_TRUE(has_warning(t, 1, "dates go backwards"));
    EXPECT_TRUE(has_warning(t, 2, "future"));
}

TEST(Forgery, SmallClockSkewIsQuiet)
{
    auto t = walked({hop("10.0.0.1", nullptr, "a.example", now),
                     hop("8.8.8.8", nullptr, "b.example", now + 600)});
    check_forgery(t, now);
    EXPECT_FALSE(has_warning(t, 1, "backwards"));
}

} // namespace
} // namespace fightback::trace

namespace fightback::trace {
namespace {

TEST(Forgery, AssumeRoutableCoversATestWorld)
{
    Trace t;
    t.hops = {hop("10.0.0.1", nullptr, "mx.example.org"), hop("192.0.2.44", nullptr, "x.example")};
    t.walk = walk_trust(t.hops, {});
    check_forgery(t, now, *net::NetworkSet::parse("192.0.2.0/24"));
    EXPECT_TRUE(t.origin_routable);
    check_forgery(t, now);
    EXPECT_FALSE(t.origin_routable);
}

} // namespace
} // namespace fightback::trace
