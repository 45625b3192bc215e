// The response reader on packets built byte by byte: every section, each RCODE, negative TTLs
// from the SOA, CNAME chains, the refusals, and random corruption of a valid answer.
#include <gtest/gtest.h>

#include <random>

#include "fightback/dns/wire.hpp"
#include "support/dns_packet.hpp"

namespace fightback::dns {
namespace {

using namespace test_dns;

constexpr std::uint16_t t_a = 1, t_cname = 5, t_soa = 6, t_ptr = 12, t_mx = 15, t_txt = 16,
                        t_aaaa = 28;

DnsResult parse(const Bytes& packet, const char* name, RecordType type)
{
    return parse_response(packet, Query{name, type});
}

Bytes answer(const char* name, std::uint16_t type, std::vector<Record> answers,
             unsigned rcode = 0, std::vector<Record> authority = {})
{
    return response(0x4242, question_for(name, type), rcode, answers, authority);
}

TEST(DnsWire, AddressRecords)
{
    auto r = parse(answer("h.test", t_a,
                          {Record{question_pointer(), t_a, 120, rdata_a(192, 0, 2, 1)},
                           Record{question_pointer(), t_a, 60, rdata_a(192, 0, 2, 2)}}),
                   "h.test", RecordType::a);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->addresses.size(), 2u);
    EXPECT_EQ(r->addresses[1].to_string(), "192.0.2.2");
    EXPECT_EQ(r->ttl, 60u); // the smallest TTL of the set

    Bytes v6(16, 0);
    v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
    auto r6 = parse(answer("h.test", t_aaaa, {Record{question_pointer(), t_aaaa, 300, v6}}),
                    "h.test", RecordType::aaaa);
    ASSERT_TRUE(r6);
    EXPECT_EQ(r6->addresses.at(0).to_string(), "2001:db8::1");
}

TEST(DnsWire, MxTxtPtr)
{
    auto mx = parse(answer("d.test", t_mx,
                           {Record{question_pointer(), t_mx, 300, rdata_mx(10, "MX.d.test")},
                            Record{question_pointer(), t_mx, 300, rdata_mx(0, ".")}}),
                    "d.test", RecordType::mx);
    ASSERT_TRUE(mx);
    ASSERT_EQ(mx->mx.size(), 2u);
    EXPECT_EQ(mx->mx[0].exchange, "mx.d.test");
    EXPECT_TRUE(mx->mx[1].is_null());

    auto txt = parse(answer("d.test", t_txt,
                            {Record{question_pointer(), t_txt, 300, rdata_txt({"v=spf1 ", "-all"})},
                             Record{question_pointer(), t_txt, 300, Bytes{}}}),
                     "d.test", RecordType::txt);
    ASSERT_TRUE(txt);
    EXPECT_EQ(txt->texts, (std::vector<std::string>{"v=spf1 -all", ""}));

    auto ptr = parse(answer("1.2.0.192.in-addr.arpa", t_ptr,
                            {Record{question_pointer(), t_ptr, 300, wire_name("Host.Example.test")}}),
                     "1.2.0.192.in-addr.arpa", RecordType::ptr);
    ASSERT_TRUE(ptr);
    EXPECT_EQ(ptr->names, std::vector<std::string>{"host.example.test"});

    // A name compressed against the question: "mail" + pointer to "test" in "d.test".
    auto packed = parse(answer("d.test", t_mx,
                               {Record{question_pointer(), t_mx, 300,
                                       Bytes{0, 5, 4, 'm', 'a', 'i', 'l', 0xC0, 12 + 2}}}),
                        "d.test", RecordType::mx);
    ASSERT_TRUE(packed) << packed.error().message;
    EXPECT_EQ(packed->mx.at(0).exchange, "mail.test");

}

TEST(DnsWire, NegativeAnswersCarryTheSoaTtl)
{
    const Record soa_long_ttl{wire_name("test"), t_soa, 3600, rdata_soa(60)};
    const Record soa_short_ttl{wire_name("test"), t_soa, 30, rdata_soa(600)};
    auto nx = parse(answer("x.test", t_a, {}, 3, {soa_long_ttl}), "x.test", RecordType::a);
    ASSERT_FALSE(nx);
    EXPECT_EQ(nx.error().kind, DnsErrorKind::nxdomain);
    EXPECT_EQ(nx.error().negative_ttl, 60u); // MINIMUM below the TTL

    auto nodata = parse(answer("x.test", t_mx, {}, 0, {soa_short_ttl}), "x.test", RecordType::mx);
    ASSERT_FALSE(nodata);
    EXPECT_EQ(nodata.error().kind, DnsErrorKind::nodata);
    EXPECT_EQ(nodata.error().negative_ttl, 30u); // the TTL below MINIMUM

    auto bare = parse(answer("x.test", t_a, {}, 3), "x.test", RecordType::a);
    ASSERT_FALSE(bare);
    EXPECT_FALSE(bare.error().negative_ttl);
}

TEST(DnsWire, RcodesStayApart)
{
    EXPECT_EQ(parse(answer("x.test", t_a, {}, 2), "x.test", RecordType::a).error().kind,
              DnsErrorKind::servfail);
    EXPECT_EQ(parse(answer("x.test", t_a, {}, 5), "x.test", RecordType::a).error().kind,
              DnsErrorKind::refused);
    auto notimp = parse(answer("x.test", t_a, {}, 4), "x.test", RecordType::a);
    EXPECT_EQ(notimp.error().kind, DnsErrorKind::failed);
    EXPECT_NE(notimp.error().message.find("NOTIMP"), std::string::npos);
}

TEST(DnsWire, CnameChains)
{
    auto r = parse(answer("alias.test", t_a,
                          {Record{wire_name("mid.test"), t_cname, 100, wire_name("real.test")},
                           Record{question_pointer(), t_cname, 50, wire_name("mid.test")},
                           Record{wire_name("real.test"), t_a, 300, rdata_a(192, 0, 2, 9)}}),
                   "alias.test", RecordType::a);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->addresses.at(0).to_string(), "192.0.2.9");
    EXPECT_EQ(r->ttl, 50u); // the chain's TTLs count too

    auto dangling = parse(answer("alias.test", t_a,
                                 {Record{question_pointer(), t_cname, 50, wire_name("gone.test")}},
                                 0, {Record{wire_name("test"), t_soa, 300, rdata_soa(60)}}),
                          "alias.test", RecordType::a);
    ASSERT_FALSE(dangling);
    EXPECT_EQ(dangling.error().kind, DnsErrorKind::nodata);

    auto loop = parse(answer("a.test", t_a,
                             {Record{question_pointer(), t_cname, 50, wire_name("b.test")},
                              Record{wire_name("b.test"), t_cname, 50, wire_name("a.test")}}),
                      "a.test", RecordType::a);
    ASSERT_FALSE(loop);
    EXPECT_NE(loop.error().message.find("loops"), std::string::npos) << loop.error().message;
}

TEST(DnsWire, TtlWithTheTopBitSetIsZero)
{
    auto r = parse(answer("h.test", t_a, {Record{question_pointer(), t_a, 0x80000000u,
                                                 rdata_a(192, 0, 2, 1)}}),
                   "h.test", RecordType::a);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->ttl, 0u);
}

TEST(DnsWire, Refusals)
{
    auto expect_bad = [](const Bytes& packet, const char* name, RecordType type,
                         const char* reason_part) {
        auto r = parse(packet, name, type);
        ASSERT_FALSE(r) << name;
        EXPECT_EQ(r.error().kind, DnsErrorKind::bad_answer) << r.error().message;
        EXPECT_NE(r.error().message.find(reason_part), std::string::npos) << r.error().message;
    };
    expect_bad(Bytes(11, 0), "h.test", RecordType::a, "shorter than a DNS header");
    Bytes query = answer("h.test", t_a, {});
    query[2] &= 0x7f;
    expect_bad(query, "h.test", RecordType::a, "a query, not a response");
    expect_bad(answer("other.test", t_a, {}), "h.test", RecordType::a, "different question");
    expect_bad(answer("h.test", t_ptr,
                      {Record{question_pointer(), t_ptr, 300,
                              wire_labels({"evil\r\nBcc: x@y", "test"})}}),
               "h.test", RecordType::ptr, "line break");
    expect_bad(answer("h.test", t_mx,
                      {Record{question_pointer(), t_mx, 300, rdata_mx(10, "bad\x01.test")}}),
               "h.test", RecordType::mx, "MX exchange refused");
    expect_bad(answer("h.test", t_mx, {Record{question_pointer(), t_mx, 300, Bytes{0, 10}}}),
               "h.test", RecordType::mx, "too short");
    // One octet left over after the name.
    Bytes trailing = wire_name("h.test");
    trailing.push_back(7);
    expect_bad(answer("h.test", t_ptr, {Record{question_pointer(), t_ptr, 300, trailing}}),
               "h.test", RecordType::ptr, "trailing octets");
    expect_bad(answer("h.test", t_ptr,
                      {Record{question_pointer(), t_ptr, 300, Bytes{0x40, 'a', 0}}}),
               "h.test", RecordType::ptr, "labels are at most 63 octets");
    expect_bad(answer("h.test", t_ptr,
                      {Record{question_pointer(), t_ptr, 300, Bytes{0xC0, 0xFF}}}),
               "h.test", RecordType::ptr, "does not point backwards");
    expect_bad(answer("h.test", t_a, {Record{question_pointer(), t_ptr, 300, wire_name("x.test")}}),
               "h.test", RecordType::a, "no A record for the name asked, only PTR");
}

TEST(DnsWire, RandomCorruptionNeverCrashes)
{
    const Bytes good = answer(
        "d.test", t_mx,
        {Record{question_pointer(), t_mx, 300, rdata_mx(10, "mx.d.test")},
         Record{question_pointer(), t_cname, 300, wire_name("e.test")}},
        0, {Record{wire_name("test"), t_soa, 300, rdata_soa(60)}});
    std::mt19937 rng(20031002);
    std::size_t accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        Bytes packet = good;
        const int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            switch (rng() % 3) {
            case 0: packet[rng() % packet.size()] = static_cast<std::uint8_t>(rng()); break;
            case 1: packet.resize(rng() % packet.size()); break;
            default: packet.push_back(static_cast<std::uint8_t>(rng())); break;
            }
            if (packet.empty())
                break;
        }
        auto r = parse(packet, "d.test", RecordType::mx);
        if (r) {
            ++accepted;
            for (const auto& mx : r->mx)
                EXPECT_TRUE(mx.is_null() || mx.exchange.find_first_of("\r\n ") == std::string::npos);
        }
    }
    EXPECT_GT(accepted, 0u);
}

} // namespace
} // namespace fightback::dns
