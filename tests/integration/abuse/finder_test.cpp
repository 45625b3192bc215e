// The whole contact search in the test world: RDAP and WHOIS servers on loopback, unbound on
// loopback serving a contact zone and the domain route, the ledger cache; and the command.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "fightback/abuse/contact_finder.hpp"
#include "fightback/abuse/contacts_json.hpp"
#include "fightback/dns/mail_domain.hpp"
#include "fightback/ledger/ledger.hpp"
#include "integration/dns/unbound_world.hpp"
#include "test_world.hpp"

namespace fightback::abuse {
namespace {

net::IpAddress ip(const char* text)
{
    return *net::IpAddress::parse(text);
}

class FinderTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        try {
            unbound = test_dns::UnboundWorld::start(testing::test_data("contacts-dns"));
        } catch (const std::exception& e) {
            unbound_error = e.what();
        }
    }
    static void TearDownTestSuite() { unbound.reset(); }

    void SetUp() override
    {
        rdap = testing::start_rdap_world();
        whois = testing::start_whois_world();
        if (!rdap || !whois)
            GTEST_SKIP() << "python3 or the test servers are not available";
        options.rdap.http.connect_to = rdap->connect_to;
        options.rdap.http.loopback_only = true;
        options.whois.connect_to = whois->connect_to;
        options.whois.loopback_only = true;
        options.registry_interval = std::chrono::milliseconds(0);
        options.contact_zones = {"abuse-contacts.test"};
        auto b = Bootstrap::load(testing::test_data("rdap/bootstrap"));
        ASSERT_TRUE(b);
        bootstrap = *b;
        auto l = ledger::Ledger::open_in_memory();
        ASSERT_TRUE(l);
        ledger.emplace(std::move(*l));
        cache.emplace(*ledger);
    }

    bool with_dns()
    {
        if (!unbound)
            return false;
        dns::ResolverOptions o;
        o.servers = {unbound->server()};
        auto r = dns::Resolver::create(o);
        auto p = dns::PublicSuffixList::load_default();
        if (!r || !p)
            return false;
        resolver.emplace(std::move(*r));
        suffixes.emplace(std::move(*p));
        txt = [this](const std::string& name) -> Expected<std::vector<std::string>> {
            auto a = resolver->resolve(name, dns::RecordType::txt);
            if (a)
                return a->texts;
            if (a.error().is_negative())
                return std::vector<std::string>{};
            return std::unexpected(dns::to_error(a.error()));
        };
        route = [this](const net::IpAddress& addr) -> Expected<std::optional<DomainRoute>> {
            auto found = dns::find_sender_domain(*resolver, *suffixes, addr);
            if (!found.domain || !found.registrable || !found.host_name ||
                *found.domain != *found.registrable)
                return std::optional<DomainRoute>{};
            return std::optional<DomainRoute>{DomainRoute{*found.domain, *found.host_name}};
        };
        return true;
    }

    ContactFinder finder() { return ContactFinder(options, bootstrap, &*cache, txt, route); }

    static inline std::unique_ptr<test_dns::UnboundWorld> unbound;
    static inline std::string unbound_error;
    std::optional<testing::RdapWorld> rdap;
    std::optional<testing::WhoisWorld> whois;
    FinderOptions options;
    Bootstrap bootstrap;
    std::optional<ledger::Ledger> ledger;
    std::optional<ContactCache> cache;
    std::optional<dns::Resolver> resolver;
    std::optional<dns::PublicSuffixList> suffixes;
    TxtLookup txt;
    DomainRouteLookup route;
};

TEST_F(FinderTest, RegistriesSideBySideWithCacheByRange)
{
    auto f = finder();
    auto results = f.find({ip("192.0.2.10"), ip("192.0.2.11"), ip("192.0.2.70"),
                           ip("192.0.2.120"), ip("198.51.100.7"), ip("192.0.2.200"),
                           ip("203.0.113.140"), ip("2001:db8:b::1")});
    ASSERT_EQ(results.size(), 8u);
    EXPECT_EQ(results[0].decision.to.front(), "net-abuse@isp-one.example");
    EXPECT_EQ(results[1].range->to_string(), "192.0.2.0/26"); // same range: no second request
    EXPECT_EQ(results[2].registry, "rdap.lacnic.net");
    EXPECT_EQ(results[3].registry, "whois.apnic.net");
    EXPECT_EQ(results[3].decision.to.front(), "abuse@isp-six.example");
    EXPECT_EQ(results[4].decision.to.front(), "abuse@isp-three.example");
    EXPECT_EQ(results[5].decision.to.front(), "abuse@isp-two.example");
    EXPECT_FALSE(results[6].decision.automatic); // AFRINIC: a remark only
    EXPECT_EQ(results[7].decision.to.front(), "abuse@isp-two.example");
    auto counts = f.request_counts();
    EXPECT_EQ(counts["ARIN"], 4); // .10 (.11 from memory), .70 (redirected), .120 RDAP + WHOIS
    // A second run is served by the ledger: no request at all.
    auto again = finder();
    auto cached = again.find({ip("192.0.2.33"), ip("198.51.100.99")});
    EXPECT_TRUE(cached[0].cached);
    EXPECT_EQ(cached[0].decision.to.front(), "net-abuse@isp-one.example");
    EXPECT_TRUE(cached[1].cached);
    EXPECT_TRUE(again.request_counts().empty());
}

TEST_F(FinderTest, FailuresAreReportedNotFatal)
{
    auto results = finder().find({ip("198.51.100.200"), ip("192.0.2.250"), ip("10.1.2.3")});
    for (const auto& r : results) {
        EXPECT_FALSE(r.decision.automatic) << r.ip.to_string();
        EXPECT_FALSE(r.errors.empty()) << r.ip.to_string();
    }
    // RDAP's 404 is an answer: WHOIS throttling after it is no reason to ask again later.
    EXPECT_FALSE(results[1].retry_later);
    auto j = to_json(results[0]);
    for (const char* key : {"ip", "to", "cc", "automatic", "candidates", "registry", "range",
                            "notes", "errors", "why", "cached", "network", "retry_later"})
        EXPECT_TRUE(j.contains(key)) << key;
}

TEST_F(FinderTest, ContactZoneAndDomainRoute)
{
    if (!with_dns())
        GTEST_SKIP() << "unbound test world unavailable: " << unbound_error;
    auto results = finder().find({ip("192.0.2.10"), ip("203.0.113.140"), ip("192.0.2.200"),
                                  ip("192.0.2.70"), ip("2001:db8:b::1")});
    // RDAP and the zone agree; the domain route's abuse@ is an independent CC.
    const auto& one = results[0];
    EXPECT_EQ(one.decision.to.front(), "net-abuse@isp-one.example");
    EXPECT_EQ(one.decision.candidates.front().score, 100);
    EXPECT_EQ(one.decision.candidates.front().source, "rdap+dns-zone");
    EXPECT_EQ(one.decision.cc, std::vector<std::string>{"abuse@isp-one.test"});
    // A remark confirmed by the zone becomes a complaint.
    const auto& five = results[1];
    EXPECT_TRUE(five.decision.automatic);
    EXPECT_EQ(five.decision.to.front(), "abuse@isp-five.example");
    // Several addresses in one TXT string; a domain without mail gives no domain candidate.
    const auto& two = results[2];
    EXPECT_EQ(two.decision.to.front(), "abuse@isp-two.example");
    for (const auto& c : two.decision.candidates)
        EXPECT_EQ(c.address.find("no-mail"), std::string::npos);
    bool noc = false;
    for (const auto& c : two.decision.candidates)
        noc = noc || (c.address == "noc@isp-two.example" && c.source == "rdap+dns-zone");
    EXPECT_TRUE(noc);
    // removed@lacnic.net means none.
    bool said_none = false;
    for (const auto& n : results[3].notes)
        said_none = said_none || n.find("no contact") != std::string::npos;
    EXPECT_TRUE(said_none);
    EXPECT_EQ(results[4].decision.candidates.front().source, "rdap+dns-zone"); // IPv6 nibbles
}

TEST_F(FinderTest, CommandPrintsTheDocumentedJson)
{
    std::string cmd = std::string(FIGHTBACK_BINARY) +
                      " contacts --json --no-dns --no-cache --loopback-only"
                      " --registry-interval 0 --rdap-bootstrap " +
                      testing::test_data("rdap/bootstrap");
    for (const auto& m : rdap->connect_to)
        cmd += " --connect-to " + m;
    for (const auto& m : whois->connect_to)
        cmd += " --connect-to " + m;
    cmd += " 192.0.2.10 203.0.113.140";
    std::unique_ptr<FILE, int (*)(FILE*)> out(popen(cmd.c_str(), "r"), pclose);
    ASSERT_TRUE(out);
    std::vector<nlohmann::json> lines;
    char buffer[65536];
    while (std::fgets(buffer, sizeof buffer, out.get()))
        lines.push_back(nlohmann::json::parse(buffer));
    int status = pclose(out.release());
    EXPECT_EQ(WEXITSTATUS(status), 1); // one address has no automatic complaint
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0]["to"], nlohmann::json::array({"net-abuse@isp-one.example"}));
    EXPECT_EQ(lines[0]["registry"], "rdap.arin.net");
    EXPECT_EQ(lines[0]["range"], "192.0.2.0/26");
    EXPECT_EQ(lines[1]["automatic"], false);
    EXPECT_EQ(lines[1]["candidates"][0]["address"], "abuse@isp-five.example");
}

} // namespace
} // namespace fightback::abuse
