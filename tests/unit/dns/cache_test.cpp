// The cache with a hand-moved clock: TTLs count down and expire, negative answers live for the
// SOA's negative TTL, failures are never kept, limits hold.
#include <gtest/gtest.h>

#include "fightback/dns/cache.hpp"

namespace fightback::dns {
namespace {

class DnsCache : public ::testing::Test {
protected:
    using Time = std::chrono::steady_clock::time_point;

    Cache make(CacheLimits limits = {})
    {
        return Cache(limits, [this] { return m_now; });
    }
    void advance(int seconds) { m_now += std::chrono::seconds(seconds); }

    static DnsResult positive(std::uint32_t ttl)
    {
        Answer a;
        a.name = "h.test";
        a.type = RecordType::a;
        a.ttl = ttl;
        a.addresses.push_back(*net::IpAddress::parse("192.0.2.1"));
        return a;
    }

    Time m_now{std::chrono::seconds(1000)};
    const Query m_query{"h.test", RecordType::a};
};

TEST_F(DnsCache, PositiveAnswersCountDownAndExpire)
{
    Cache cache = make();
    cache.store(m_query, positive(300));
    advance(100);
    auto hit = cache.find(m_query);
    ASSERT_TRUE(hit && *hit);
    EXPECT_EQ((*hit)->ttl, 200u);
    EXPECT_TRUE((*hit)->from_cache);
    EXPECT_FALSE(cache.find(Query{"h.test", RecordType::aaaa}));
    advance(199);
    EXPECT_TRUE(cache.find(m_query));
    advance(1);
    EXPECT_FALSE(cache.find(m_query));
    EXPECT_EQ(cache.size(), 0u);
}

TEST_F(DnsCache, NegativeAnswersUseTheNegativeTtl)
{
    Cache cache = make();
    cache.store(m_query, dns_fail(DnsErrorKind::nxdomain, "no such name", 60));
    advance(59);
    auto hit = cache.find(m_query);
    ASSERT_TRUE(hit);
    ASSERT_FALSE(*hit);
    EXPECT_EQ(hit->error().kind, DnsErrorKind::nxdomain);
    EXPECT_EQ(hit->error().negative_ttl, 1u);
    EXPECT_TRUE(hit->error().from_cache);
    advance(1);
    EXPECT_FALSE(cache.find(m_query));

    // No SOA, no negative caching (RFC 2308 section 5).
    cache.store(m_query, dns_fail(DnsErrorKind::nodata, "no record"));
    EXPECT_FALSE(cache.find(m_query));
}

TEST_F(DnsCache, FailuresAreNotKept)
{
    Cache cache = make();
    for (auto kind : {DnsErrorKind::servfail, DnsErrorKind::refused, DnsErrorKind::timeout,
                      DnsErrorKind::unreachable, DnsErrorKind::bad_answer,
                      DnsErrorKind::failed}) {
        cache.store(m_query, dns_fail(kind, "x", 300));
        EXPECT_FALSE(cache.find(m_query)) << kind_name(kind);
    }
    cache.store(m_query, positive(0));
    EXPECT_FALSE(cache.find(m_query));
}

TEST_F(DnsCache, TtlsAreCapped)
{
    Cache cache = make(CacheLimits{100, 3600, 600});
    cache.store(m_query, positive(7 * 86400));
    EXPECT_EQ((*cache.find(m_query))->ttl, 3600u);
    const Query nx{"nx.test", RecordType::a};
    cache.store(nx, dns_fail(DnsErrorKind::nxdomain, "", 86400));
    EXPECT_EQ(cache.find(nx)->error().negative_ttl, 600u);
}

TEST_F(DnsCache, EntryLimit)
{
    Cache cache = make(CacheLimits{8, 86400, 3600});
    for (int i = 0; i < 8; ++i)
        cache.store(Query{"h" + std::to_string(i) + ".test", RecordType::a},
                    positive(static_cast<std::uint32_t>(100 + i)));
    EXPECT_EQ(cache.size(), 8u);
    cache.store(Query{"new.test", RecordType::a}, positive(1000));
    EXPECT_LE(cache.size(), 8u);
    EXPECT_TRUE(cache.find(Query{"new.test", RecordType::a}));
    // The ones closest to expiry went first.
    EXPECT_FALSE(cache.find(Query{"h0.test", RecordType::a}));
    EXPECT_TRUE(cache.find(Query{"h7.test", RecordType::a}));
    // Replacing an entry does not evict.
    cache.store(Query{"h7.test", RecordType::a}, positive(5));
    EXPECT_EQ((*cache.find(Query{"h7.test", RecordType::a}))->ttl, 5u);
}

} // namespace
} // namespace fightback::dns
