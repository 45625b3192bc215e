// RDAP and WHOIS answer reading on the project's own fixtures (tests/data/rdap, whois) and on
// hostile input: the shapes of all five registries, nested abuse entities, jCard preferences,
// the most specific WHOIS range, bounds.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fightback/abuse/registry_answer.hpp"
#include "paths.hpp"

namespace fightback::abuse {
namespace {

std::string slurp(const std::string& relative)
{
    std::ifstream in(testing::test_data(relative), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RdapNetwork network(const std::string& file)
{
    auto doc = parse_rdap_body(slurp("rdap/" + file));
    EXPECT_TRUE(doc) << file;
    auto n = read_ip_network(*doc);
    EXPECT_TRUE(n) << file;
    return n ? *n : RdapNetwork{};
}

net::IpAddress ip(const char* text)
{
    return *net::IpAddress::parse(text);
}

TEST(RdapAnswer, ArinNestedAndDirectAbuseEntities)
{
    auto n = network("arin-192.0.2.10.json");
    ASSERT_TRUE(n.range);
    EXPECT_EQ(n.range->to_string(), "192.0.2.0/26"); // from zero-padded addresses
    ASSERT_EQ(n.abuse.size(), 2u);
    auto a = answer_from_rdap(n, "rdap.arin.net");
    EXPECT_EQ(a.network_name, "ISP-ONE");
    // The name survives the contact cache's JSON round trip.
    auto back = registry_answer_from_json(to_json(a));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->network_name, "ISP-ONE");
    auto d = rank(a.evidence, {a.answered_by, a.space_holder});
    ASSERT_TRUE(d.automatic);
    EXPECT_EQ(d.to.front(), "net-abuse@isp-one.example"); // on the network beats nested
    EXPECT_TRUE(d.cc.empty()); // the nested one is the same registry's word
    ASSERT_EQ(d.candidates.size(), 2u);
    EXPECT_EQ(d.candidates[1].address, "abuse@isp-one.example");
    EXPECT_NE(d.candidates[1].reason.find("nested"), std::string::npos);
}

TEST(RdapAnswer, JcardTypeAbuseAndPrefChooseTheMailbox)
{
    auto n = network("ripe-192.0.2.200.json");
    ASSERT_EQ(n.abuse.size(), 1u);
    EXPECT_EQ(n.abuse[0].emails.front().value, "abuse@isp-two.example");
    auto entity = nlohmann::json::parse(slurp("rdap/apnic-entity-IRT-ISPTHREE-AU.json"));
    EXPECT_EQ(read_entity_emails(entity).front().value, "abuse@isp-three.example");
    // A remark is not read when there is an abuse entity with e-mail.
    auto a = answer_from_rdap(n, "rdap.db.ripe.net");
    for (const auto& e : a.evidence)
        EXPECT_NE(e.source, Source::rdap_remarks);
}

TEST(RdapAnswer, EntityWithoutVcardKeepsItsSelfLink)
{
    auto n = network("apnic-198.51.100.7.json");
    ASSERT_EQ(n.abuse.size(), 1u);
    EXPECT_TRUE(n.abuse[0].emails.empty());
    EXPECT_EQ(n.abuse[0].self_url, "http://rdap.apnic.net/entity/IRT-ISPTHREE-AU");
}

TEST(RdapAnswer, RemarksAreOnlyAFlaggedFallback)
{
    auto a = answer_from_rdap(network("afrinic-203.0.113.140.json"), "rdap.afrinic.net");
    ASSERT_EQ(a.evidence.size(), 1u);
    EXPECT_EQ(a.evidence[0].source, Source::rdap_remarks);
    EXPECT_EQ(a.evidence[0].address, "abuse@isp-five.example");
    auto d = rank(a.evidence, {a.answered_by, a.space_holder});
    EXPECT_FALSE(d.automatic);
    EXPECT_NE(d.candidates.front().reason.find("remark"), std::string::npos);
}

TEST(RdapAnswer, RegistryMailboxForSpaceItDoesNotHold)
{
    auto a = answer_from_rdap(network("lacnic-203.0.113.50.json"), "rdap.lacnic.net");
    EXPECT_FALSE(a.has_abuse_mailbox());
    auto d = rank(a.evidence, {a.answered_by, a.space_holder});
    EXPECT_FALSE(d.automatic);
    EXPECT_EQ(d.candidates.front().score, 0);
    EXPECT_NE(d.candidates.front().reason.find("never used"), std::string::npos);
}

TEST(RdapAnswer, HostileAnswersGiveClearErrors)
{
    EXPECT_EQ(parse_rdap_body(std::string(100000, '[')).error().kind, ErrorKind::limit);
    EXPECT_EQ(parse_rdap_body("{\"a\": ").error().kind, ErrorKind::parse);
    EXPECT_EQ(parse_rdap_body("[1, 2]").error().kind, ErrorKind::parse);
    auto error = parse_rdap_body(R"({"errorCode": 404, "title": "Not Found",
                                     "description": ["nothing\r\nhere"]})");
    ASSERT_FALSE(error);
    EXPECT_EQ(error.error().kind, ErrorKind::not_found);
    EXPECT_EQ(error.error().message.find('\n'), std::string::npos);
    EXPECT_FALSE(read_ip_network(nlohmann::json::parse(R"({"objectClassName": "domain"})")));
    // Entities nested past the bound are cut, not followed.
    nlohmann::json deep = {{"objectClassName", "ip network"}};
    nlohmann::json* at = &deep;
    for (int i = 0; i < 20; ++i) {
        (*at)["entities"] = nlohmann::json::array({{{"roles", {"abuse"}}}});
        at = &(*at)["entities"][0];
    }
    auto n = read_ip_network(deep);
    ASSERT_TRUE(n);
    EXPECT_LE(n->abuse.size(), static_cast<std::size_t>(max_entity_nesting));
    EXPECT_FALSE(n->notes.empty());
    // CR/LF in a published address never reaches To.
    auto evil = answer_from_rdap(network("apnic-198.51.100.203.json"), "rdap.apnic.net");
    auto d = rank(evil.evidence, {});
    EXPECT_FALSE(d.automatic);
    EXPECT_EQ(d.rejected.size(), 2u);
}

TEST(WhoisAnswer, ArinReferralAndPlaceholder)
{
    auto w = read_whois(slurp("whois/arin-192.0.2.120.txt"), ip("192.0.2.120"));
    EXPECT_EQ(w.referral, "whois://whois.apnic.net");
    EXPECT_EQ(w.holder, RegistryId::apnic);
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].field, "OrgAbuseEmail");
    auto a = answer_from_whois(w, "whois.arin.net");
    EXPECT_FALSE(a.has_abuse_mailbox());
}

TEST(WhoisAnswer, MostSpecificArinNetWins)
{
    auto w = read_whois(slurp("whois/arin-192.0.2.122.txt"), ip("192.0.2.122"));
    ASSERT_TRUE(w.range);
    EXPECT_EQ(w.range->to_string(), "192.0.2.120/30");
    EXPECT_EQ(w.netname, "ISP-NINE-CUSTOMER"); // the name of that most specific net
    EXPECT_EQ(answer_from_whois(w, "whois.arin.net").network_name, "ISP-NINE-CUSTOMER");
    ASSERT_FALSE(w.contacts.empty());
    EXPECT_EQ(w.contacts[0].address, "abuse@customer-nine.example");
    EXPECT_EQ(w.contacts[0].field, "RAbuseEmail");
    EXPECT_EQ(w.referral, "rwhois://rwhois.isp-nine.example:4321");
}

TEST(WhoisAnswer, LacnicAbuseHandleLeadsToItsEmail)
{
    auto w = read_whois(slurp("whois/lacnic-203.0.113.10.txt"), ip("203.0.113.10"));
    ASSERT_EQ(w.contacts.size(), 1u);
    EXPECT_EQ(w.contacts[0].address, "Abuse@ISP-TEN.EXAMPLE");
    ASSERT_TRUE(w.range);
    EXPECT_EQ(w.range->to_string(), "203.0.113.0/26");
}

TEST(WhoisAnswer, RipeStyleAbuseLineAndNoContactAndThrottling)
{
    auto w = read_whois(slurp("whois/apnic-192.0.2.120.txt"), ip("192.0.2.120"));
    ASSERT_FALSE(w.contacts.empty());
    EXPECT_EQ(w.contacts[0].address, "abuse@isp-six.example");
    EXPECT_EQ(w.netname, "ISP-SIX");
    auto none = read_whois(slurp("whois/afrinic-203.0.113.140.txt"), ip("203.0.113.140"));
    EXPECT_TRUE(none.no_abuse_registered);
    EXPECT_TRUE(none.contacts.empty());
    EXPECT_EQ(none.remark_mailboxes, std::vector<std::string>{"abuse@isp-five.example"});
    auto throttled = read_whois(slurp("whois/ripe-throttled.txt"), ip("192.0.2.250"));
    EXPECT_TRUE(throttled.throttled);
    auto iana = read_whois(slurp("whois/iana-203.0.113.10.txt"), ip("203.0.113.10"));
    EXPECT_EQ(iana.refer, "whois.lacnic.net");
}

TEST(WhoisAnswer, SectionsOutsideTheAddressAreIgnored)
{
    auto w = read_whois("% Information related to '10.0.0.0 - 10.0.0.255'\n\n"
                        "inetnum: 10.0.0.0 - 10.0.0.255\nabuse-mailbox: a@wrong.example\n\n"
                        "% Information related to '10.0.0.0 - 10.255.255.255'\n\n"
                        "inetnum: 10.0.0.0 - 10.255.255.255\nabuse-mailbox: b@right.example\n",
                        ip("10.9.9.9"));
    ASSERT_FALSE(w.contacts.empty());
    EXPECT_EQ(w.contacts[0].address, "b@right.example");
}

TEST(IpRange, ParsesRegistryForms)
{
    EXPECT_EQ(parse_range("074.125.000.000 - 074.125.255.255")->to_string(), "74.125.0.0/16");
    EXPECT_EQ(parse_range("196.11.239.0 - 196.11.246.255")->to_string(),
              "196.11.239.0 - 196.11.246.255");
    EXPECT_EQ(parse_range("200.57.128/19")->to_string(), "200.57.128.0/19");
    EXPECT_EQ(parse_range("2001:0240::/32")->to_string(), "2001:240::/32");
    EXPECT_EQ(parse_range("::/0")->to_string(), ":: - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    EXPECT_FALSE(parse_range("10.0.0.9 - 10.0.0.1"));
    EXPECT_FALSE(parse_range("1.2.3.4 - ::1"));
    EXPECT_FALSE(parse_range("0300.1.1.1 - 1.1.1.1"));
}

} // namespace
} // namespace fightback::abuse
