// The resolver against the unbound world: each record type, each failure kind kept apart, the
// cache and TTLs, hundreds of queries in flight, and timeouts from a server that never answers.
#include <gtest/gtest.h>

#include <chrono>
#include <fmt/format.h>

#include "fightback/dns/name.hpp"
#include "fightback/dns/resolver.hpp"
#include "support/fake_dns_server.hpp"
#include "unbound_world.hpp"

namespace fightback::dns {
namespace {

using test_dns::world;

Resolver make_resolver(std::size_t in_flight = 256)
{
    ResolverOptions options;
    options.servers = {world()->server()};
    options.timeout = std::chrono::milliseconds(1000);
    options.tries = 2;
    options.max_in_flight = in_flight;
    auto r = Resolver::create(options);
    if (!r)
        throw std::runtime_error(r.error().message);
    return std::move(*r);
}

net::IpAddress ip(const char* text)
{
    return *net::IpAddress::parse(text);
}

class ResolverWorld : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NE(world(), nullptr) << "no DNS test world"; }
};

TEST_F(ResolverWorld, UsesOnlyTheGivenServer)
{
    auto r = make_resolver();
    EXPECT_EQ(r.servers(), std::vector<ServerAddress>{world()->server()});
}

TEST_F(ResolverWorld, EachRecordType)
{
    auto r = make_resolver();
    auto a = r.resolve("dsl-20.pool.isp-two.test", RecordType::a);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->addresses, std::vector<net::IpAddress>{ip("192.0.2.20")});
    EXPECT_GT(a->ttl, 0u); // 300 in the zone, counting down in unbound's cache
    EXPECT_LE(a->ttl, 300u);

    auto aaaa = r.resolve("mail6.isp-two.test", RecordType::aaaa);
    ASSERT_TRUE(aaaa) << aaaa.error().message;
    EXPECT_EQ(aaaa->addresses, std::vector<net::IpAddress>{ip("2001:db8::25")});

    auto mx = r.resolve("ISP-Two.test.", RecordType::mx);
    ASSERT_TRUE(mx) << mx.error().message;
    ASSERT_EQ(mx->mx.size(), 1u);
    EXPECT_EQ(mx->mx[0].preference, 10);
    EXPECT_EQ(mx->mx[0].exchange, "mx.isp-two.test");
    EXPECT_EQ(mx->name, "isp-two.test");

    auto txt = r.resolve("txt.isp-two.test", RecordType::txt);
    ASSERT_TRUE(txt) << txt.error().message;
    std::vector<std::string> texts = txt->texts;
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts, (std::vector<std::string>{"two strings", "v=spf1 -all"}));

    auto ptr = r.reverse(ip("192.0.2.10"));
    ASSERT_TRUE(ptr) << ptr.error().message;
    EXPECT_EQ(ptr->names, std::vector<std::string>{"smtp.isp-one.test"});

    auto ptr6 = r.reverse(ip("2001:db8::25"));
    ASSERT_TRUE(ptr6) << ptr6.error().message;
    EXPECT_EQ(ptr6->names, std::vector<std::string>{"mail6.isp-two.test"});

    auto null_mx = r.resolve("null-mx.test", RecordType::mx);
    ASSERT_TRUE(null_mx);
    ASSERT_EQ(null_mx->mx.size(), 1u);
    EXPECT_TRUE(null_mx->mx[0].is_null());
}

TEST_F(ResolverWorld, FollowsCnames)
{
    auto r = make_resolver();
    auto a = r.resolve("alias.isp-two.test", RecordType::a);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->addresses, std::vector<net::IpAddress>{ip("192.0.2.21")});
}

TEST_F(ResolverWorld, FailureKindsStayApart)
{
    auto r = make_resolver();
    auto nx = r.resolve("nothing-here.isp-two.test", RecordType::a);
    ASSERT_FALSE(nx);
    EXPECT_EQ(nx.error().kind, DnsErrorKind::nxdomain);
    ASSERT_TRUE(nx.error().negative_ttl);
    EXPECT_LE(*nx.error().negative_ttl, 60u); // SOA minimum 60 < SOA TTL 300

    auto nodata = r.resolve("isp-two.test", RecordType::aaaa);
    ASSERT_FALSE(nodata);
    EXPECT_EQ(nodata.error().kind, DnsErrorKind::nodata);
    EXPECT_TRUE(nodata.error().negative_ttl);

    auto servfail = r.resolve("host.servfail.test", RecordType::a);
    ASSERT_FALSE(servfail);
    EXPECT_EQ(servfail.error().kind, DnsErrorKind::servfail);
    EXPECT_TRUE(servfail.error().is_temporary());

    auto refused = r.resolve("host.refused.test", RecordType::a);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, DnsErrorKind::refused);

    // Outside the world's zones: refused, never forwarded anywhere.
    auto outside = r.resolve("www.example.com", RecordType::a);
    ASSERT_FALSE(outside);
    EXPECT_EQ(outside.error().kind, DnsErrorKind::refused);

    auto bad = r.resolve("bad name.test", RecordType::a);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind, DnsErrorKind::bad_name);
}

TEST_F(ResolverWorld, TimeoutFromASilentServer)
{
    test_dns::SilentServer silent;
    ResolverOptions options;
    options.servers = {ServerAddress{ip("127.0.0.1"), silent.port()}};
    options.timeout = std::chrono::milliseconds(100);
    options.tries = 2;
    auto r = Resolver::create(options);
    ASSERT_TRUE(r) << r.error().message;
    const auto start = std::chrono::steady_clock::now();
    auto result = r->resolve("isp-two.test", RecordType::mx);
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, DnsErrorKind::timeout);
    // 100 ms, then 200 ms for the second round (c-ares doubles it).
    EXPECT_GE(took, std::chrono::milliseconds(250));
    EXPECT_LT(took, std::chrono::milliseconds(2000));
}

TEST_F(ResolverWorld, ClosedPortIsUnreachable)
{
    ResolverOptions options;
    options.servers = {ServerAddress{ip("127.0.0.1"), test_dns::free_port()}};
    options.timeout = std::chrono::milliseconds(200);
    options.tries = 1;
    auto r = Resolver::create(options);
    ASSERT_TRUE(r);
    auto result = r->resolve("isp-two.test", RecordType::mx);
    ASSERT_FALSE(result);
    EXPECT_TRUE(result.error().kind == DnsErrorKind::unreachable ||
                result.error().kind == DnsErrorKind::timeout)
        << kind_name(result.error().kind);
    EXPECT_TRUE(result.error().is_temporary());
}

TEST_F(ResolverWorld, CacheAndSharedQueries)
{
    auto r = make_resolver();
    std::vector<Query> queries(5, Query{"isp-two.test", RecordType::mx});
    queries.push_back(Query{"nothing.isp-two.test", RecordType::mx});
    queries.push_back(Query{"nothing.isp-two.test", RecordType::mx});
    auto results = r.resolve_many(queries);
    EXPECT_EQ(r.stats().sent, 2u);
    EXPECT_EQ(r.stats().joined, 5u);
    for (std::size_t i = 0; i < 5; ++i)
        ASSERT_TRUE(results[i]);
    EXPECT_EQ(results[5].error().kind, DnsErrorKind::nxdomain);

    // Asked again: both from the cache, the negative one included.
    auto again = r.resolve_many(queries);
    EXPECT_EQ(r.stats().sent, 2u);
    EXPECT_EQ(r.stats().cache_hits, 7u);
    ASSERT_TRUE(again[0]);
    EXPECT_TRUE(again[0]->from_cache);
    EXPECT_TRUE(again[5].error().from_cache);

    // Failures are not cached.
    r.resolve("host.servfail.test", RecordType::a);
    r.resolve("host.servfail.test", RecordType::a);
    EXPECT_EQ(r.stats().sent, 4u);
}

TEST_F(ResolverWorld, HundredsInFlight)
{
    auto r = make_resolver(300);
    std::vector<Query> queries;
    for (int i = 0; i < 600; ++i)
        queries.push_back(Query{fmt::format("n{}.isp-two.test", i), RecordType::a});
    queries.push_back(Query{"dsl-20.pool.isp-two.test", RecordType::a});
    auto results = r.resolve_many(queries);
    EXPECT_LE(r.stats().max_in_flight_seen, 300u);
    EXPECT_EQ(r.stats().timeouts, 0u) << "answers were lost: a receive buffer overflowed?";
    for (std::size_t i = 0; i + 1 < results.size(); ++i) {
        ASSERT_FALSE(results[i]);
        EXPECT_EQ(results[i].error().kind, DnsErrorKind::nxdomain) << i;
    }
    EXPECT_TRUE(results.back());
}

TEST_F(ResolverWorld, HundredsOnTheWireAtOnce)
{
    // A server that holds every answer for 100 ms: the whole window is in flight together.
    test_dns::FakeDnsServer slow(
        [](const test_dns::ParsedQuery& q) -> std::optional<test_dns::Bytes> {
            return test_dns::response(q.id, q.question, 3, {});
        },
        std::chrono::milliseconds(100));
    ResolverOptions options;
    options.servers = {ServerAddress{ip("127.0.0.1"), slow.port()}};
    options.timeout = std::chrono::milliseconds(2000);
    options.max_in_flight = 300;
    auto r = Resolver::create(options);
    ASSERT_TRUE(r);
    std::vector<Query> queries;
    for (int i = 0; i < 600; ++i)
        queries.push_back(Query{fmt::format("n{}.slow.test", i), RecordType::a});
    const auto start = std::chrono::steady_clock::now();
    auto results = r->resolve_many(queries);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r->stats().max_in_flight_seen, 300u);
    EXPECT_GE(slow.max_outstanding(), 250u);
    EXPECT_EQ(r->stats().timeouts, 0u);
    for (const auto& result : results)
        EXPECT_EQ(result.error().kind, DnsErrorKind::nxdomain);
    // Two windows of 100 ms, not 600 of them.
    EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(ResolverWorld, CallbacksMaySubmitMore)
{
    auto r = make_resolver();
    std::vector<std::string> seen;
    r.submit(Query{reverse_name(ip("192.0.2.20")), RecordType::ptr},
             [&](const Query&, const DnsResult& ptr) {
                 ASSERT_TRUE(ptr);
                 seen.push_back(ptr->names.at(0));
                 r.submit(Query{ptr->names.at(0), RecordType::a},
                          [&](const Query&, const DnsResult& a) {
                              ASSERT_TRUE(a);
                              seen.push_back(a->addresses.at(0).to_string());
                          });
             });
    r.run();
    EXPECT_EQ(seen, (std::vector<std::string>{"dsl-20.pool.isp-two.test", "192.0.2.20"}));
}

} // namespace
} // namespace fightback::dns
