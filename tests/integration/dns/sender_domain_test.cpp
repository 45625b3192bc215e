// The mail-domain route end to end against the unbound world, one row per situation the issue
// names: MX at the PTR name, at a parent, in between; implicit MX; null MX; no PTR; PTR without
// confirmation or pointing into someone else's domain; SERVFAIL, REFUSED, NXDOMAIN on the way;
// a PTR that is a public suffix; hostile PTR names.
#include <gtest/gtest.h>

#include "fightback/dns/mail_domain.hpp"
#include "unbound_world.hpp"

namespace fightback::dns {
namespace {

using test_dns::world;

struct Case {
    const char* address;
    const char* domain; // nullptr: none
    const char* reason_part;
    bool temporary = false;
};

class SenderDomainWorld : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override { ASSERT_NE(world(), nullptr) << "no DNS test world"; }
};

TEST_P(SenderDomainWorld, Walk)
{
    const Case& c = GetParam();
    ResolverOptions options;
    options.servers = {world()->server()};
    options.timeout = std::chrono::milliseconds(1000);
    auto resolver = Resolver::create(options);
    ASSERT_TRUE(resolver) << resolver.error().message;
    auto suffixes = PublicSuffixList::load_default();
    ASSERT_TRUE(suffixes) << suffixes.error().message;

    auto found = find_sender_domain(*resolver, *suffixes, *net::IpAddress::parse(c.address));
    if (c.domain) {
        ASSERT_TRUE(found.domain) << found.reason;
        EXPECT_EQ(*found.domain, c.domain);
    } else {
        EXPECT_FALSE(found.domain) << *found.domain;
    }
    EXPECT_NE(found.reason.find(c.reason_part), std::string::npos) << found.reason;
    EXPECT_EQ(found.temporary, c.temporary) << found.reason;
    EXPECT_FALSE(found.lookups.empty());
    for (const auto& l : found.lookups)
        EXPECT_EQ(describe(l.query, l.result).find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SenderDomainWorld,
    ::testing::Values(
        Case{"192.0.2.10", "smtp.isp-one.test", "smtp.isp-one.test has an MX record"},
        Case{"192.0.2.20", "isp-two.test", "walked up from dsl-20.pool.isp-two.test"},
        Case{"2001:db8::25", "isp-two.test", "walked up from mail6.isp-two.test"},
        Case{"192.0.2.25", "cust.isp-three.test", "cust.isp-three.test has an MX"},
        Case{"192.0.2.30", "a-only.test", "implicit MX"},
        Case{"192.0.2.35", "v6-only.test", "implicit MX"},
        Case{"192.0.2.40", nullptr, "null-mx.test publishes a null MX"},
        Case{"192.0.2.50", nullptr, "has no PTR record (NXDOMAIN)"},
        Case{"192.0.2.60", nullptr, "resolves to 192.0.2.61, not 192.0.2.60"},
        Case{"192.0.2.66", nullptr, "mail.victim.test (resolves to 192.0.2.99"},
        Case{"192.0.2.70", nullptr, "host.servfail.test (A: SERVFAIL)", true},
        Case{"192.0.2.80", nullptr, "host.refused.test (A: REFUSED)", true},
        Case{"192.0.2.90", nullptr, "mail.nonexistent.test (A: NXDOMAIN)"},
        Case{"192.0.2.100", nullptr, "no-mail.test has no A/AAAA record"},
        Case{"192.0.2.110", nullptr, "test is a public suffix"},
        Case{"192.0.2.120", nullptr, "line break (CR/LF)"},
        Case{"192.0.2.121", "multi.test", "multi.test has an MX record"},
        Case{"192.0.2.122", nullptr, "all digits"}));

TEST(SenderDomainWalk, NeverAboveTheRegistrableDomain)
{
    ASSERT_NE(world(), nullptr);
    ResolverOptions options;
    options.servers = {world()->server()};
    auto resolver = Resolver::create(options);
    ASSERT_TRUE(resolver);
    auto suffixes = PublicSuffixList::load_default();
    ASSERT_TRUE(suffixes);
    // "test" has an MX in the world; the walk from host.no-mail.test must not reach it.
    auto found = find_mail_domain(*resolver, *suffixes, "host.no-mail.test");
    EXPECT_FALSE(found.domain);
    for (const auto& l : found.lookups)
        EXPECT_NE(l.query.name, "test");
    ASSERT_TRUE(found.registrable);
    EXPECT_EQ(*found.registrable, "no-mail.test");
}

} // namespace
} // namespace fightback::dns
