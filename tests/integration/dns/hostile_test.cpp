// Hostile DNS data through the whole resolver: a crafted responder on loopback sends what no
// honest server would (CR/LF and control bytes in names, over-long labels and names, compression
// loops, cut-off packets, wrong record types and owners, absurd counts), and every case must
// end as a clear refusal, never as a name that reaches output.
#include <gtest/gtest.h>

#include <map>

#include "fightback/dns/mail_domain.hpp"
#include "fightback/dns/resolver.hpp"
#include "support/fake_dns_server.hpp"

namespace fightback::dns {
namespace {

using namespace test_dns;

constexpr std::uint16_t t_a = 1, t_ptr = 12, t_mx = 15, t_txt = 16;

Bytes ptr_reply(const ParsedQuery& q, const std::vector<Bytes>& names)
{
    std::vector<Record> answers;
    for (const auto& n : names)
        answers.push_back(Record{question_pointer(), t_ptr, 300, n});
    return response(q.id, q.question, 0, answers);
}

Bytes soa_only(const ParsedQuery& q, unsigned rcode)
{
    return response(q.id, q.question, rcode, {},
                    {Record{wire_name("test"), 6, 300, rdata_soa(30)}});
}

std::optional<Bytes> crafted(const ParsedQuery& q)
{
    const std::string& n = q.name;
    if (n == "crlf.evil.test")
        return ptr_reply(q, {wire_labels({"mail\r\nX-Injected: yes", "example", "test"})});
    if (n == "ctrl.evil.test")
        return ptr_reply(q, {wire_labels({std::string("ho\x01st", 5), "test"})});
    if (n == "space.evil.test")
        return ptr_reply(q, {wire_name("bad name.example.test")});
    if (n == "long-label.evil.test")
        return ptr_reply(q, {wire_labels({std::string(64, 'a'), "test"})});
    if (n == "long-name.evil.test") {
        std::vector<std::string> labels(5, std::string(60, 'b'));
        return ptr_reply(q, {wire_labels(labels)});
    }
    if (n == "mixed.evil.test")
        return ptr_reply(q, {wire_labels({"evil\n", "test"}), wire_name("good.example.test")});
    if (n == "loop.evil.test") {
        // The PTR's name is a pointer to itself.
        Bytes reply = ptr_reply(q, {Bytes{0xC0, 0x00}});
        const std::size_t rdata = reply.size() - 2;
        reply[rdata] = static_cast<std::uint8_t>(0xC0 | (rdata >> 8));
        reply[rdata + 1] = static_cast<std::uint8_t>(rdata & 0xff);
        return reply;
    }
    if (n == "truncated.evil.test") {
        Bytes reply = response(q.id, q.question, 0,
                               {Record{question_pointer(), t_a, 300, rdata_a(192, 0, 2, 1)}});
        reply.resize(reply.size() - 3);
        return reply;
    }
    if (n == "short.evil.test")
        return Bytes{static_cast<std::uint8_t>(q.id >> 8), static_cast<std::uint8_t>(q.id), 0x81};
    if (n == "wrong-type.evil.test")
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_a, 300, rdata_a(192, 0, 2, 1)}});
    if (n == "wrong-owner.evil.test")
        return response(q.id, q.question, 0,
                        {Record{wire_name("victim.example.test"), t_a, 300,
                                rdata_a(192, 0, 2, 1)}});
    if (n == "bad-a-size.evil.test")
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_a, 300, Bytes{192, 0, 2, 1, 9}}});
    if (n == "txt-overrun.evil.test")
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_txt, 300, Bytes{10, 'a', 'b'}}});
    if (n == "txt-crlf.evil.test")
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_txt, 300, rdata_txt({"a\r\nb"})}});
    if (n == "huge-count.evil.test") {
        Bytes reply = response(q.id, q.question, 0, {});
        reply[6] = reply[7] = 0xff;
        return reply;
    }
    if (n == "formerr.evil.test")
        return response(q.id, q.question, 1, {});
    if (n == "other-question.evil.test") {
        Bytes other = question_for("elsewhere.test", q.type);
        return response(q.id, other, 0, {});
    }
    // A walk that meets SERVFAIL on the way up must stop there.
    if (n == "200.2.0.192.in-addr.arpa")
        return ptr_reply(q, {wire_name("host.flaky.test")});
    if (n == "host.flaky.test" && q.type == t_a)
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_a, 300, rdata_a(192, 0, 2, 200)}});
    if (n == "host.flaky.test" && q.type == t_mx)
        return soa_only(q, 0);
    if (n == "flaky.test")
        return soa_only(q, 2);
    // A PTR into someone else's domain: the forward side names another address.
    if (n == "201.2.0.192.in-addr.arpa")
        return ptr_reply(q, {wire_name("mx.bigbank.test")});
    if (n == "mx.bigbank.test" && q.type == t_a)
        return response(q.id, q.question, 0,
                        {Record{question_pointer(), t_a, 300, rdata_a(198, 51, 100, 1)}});
    return soa_only(q, 3);
}

class Hostile : public ::testing::Test {
protected:
    Hostile() : m_server(&crafted)
    {
        ResolverOptions options;
        options.servers = {ServerAddress{*net::IpAddress::parse("127.0.0.1"), m_server.port()}};
        options.timeout = std::chrono::milliseconds(150);
        options.tries = 1;
        auto r = Resolver::create(options);
        if (!r)
            throw std::runtime_error(r.error().message);
        m_resolver.emplace(std::move(*r));
    }

    DnsResult ask(const char* name, RecordType type) { return m_resolver->resolve(name, type); }

    void expect_refused(const char* name, RecordType type, const char* reason_part)
    {
        auto r = ask(name, type);
        ASSERT_FALSE(r) << name << " was accepted";
        EXPECT_EQ(r.error().kind, DnsErrorKind::bad_answer) << name << ": " << r.error().message;
        EXPECT_NE(r.error().message.find(reason_part), std::string::npos)
            << name << ": " << r.error().message;
    }

    FakeDnsServer m_server;
    std::optional<Resolver> m_resolver;
};

TEST_F(Hostile, NamesWithLineBreaksAndControlCharacters)
{
    expect_refused("crlf.evil.test", RecordType::ptr, "line break (CR/LF)");
    expect_refused("ctrl.evil.test", RecordType::ptr, "control character (\\x01)");
    expect_refused("space.evil.test", RecordType::ptr, "no hostname may hold (' ')");
}

TEST_F(Hostile, OverlongLabelsAndNames)
{
    expect_refused("long-label.evil.test", RecordType::ptr, "labels are at most 63 octets");
    expect_refused("long-name.evil.test", RecordType::ptr, "longer than 255 octets");
}

TEST_F(Hostile, CompressionLoop)
{
    expect_refused("loop.evil.test", RecordType::ptr, "does not point backwards");
}

TEST_F(Hostile, MalformedPackets)
{
    expect_refused("truncated.evil.test", RecordType::a, "runs past the end of the packet");
    expect_refused("bad-a-size.evil.test", RecordType::a, "an A record of 5 octets");
    expect_refused("txt-overrun.evil.test", RecordType::txt, "runs past its record");
    expect_refused("huge-count.evil.test", RecordType::a, "claims");
    // Too short to carry the question: c-ares drops it, and the query times out.
    auto short_packet = ask("short.evil.test", RecordType::a);
    ASSERT_FALSE(short_packet);
    EXPECT_EQ(short_packet.error().kind, DnsErrorKind::timeout);
    // An answer to another question is not taken as the answer to ours.
    auto other = ask("other-question.evil.test", RecordType::a);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().kind, DnsErrorKind::timeout);
}

TEST_F(Hostile, WrongRecordTypesAndOwners)
{
    expect_refused("wrong-type.evil.test", RecordType::ptr, "no PTR record for the name asked, only A");
    expect_refused("wrong-owner.evil.test", RecordType::a, "no A record for the name asked");
}

TEST_F(Hostile, OneBadRecordAmongGoodOnes)
{
    auto r = ask("mixed.evil.test", RecordType::ptr);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->names, std::vector<std::string>{"good.example.test"});
    ASSERT_EQ(r->rejected.size(), 1u);
    EXPECT_NE(r->rejected[0].find("line break"), std::string::npos);
    EXPECT_EQ(describe(Query{"mixed.evil.test", RecordType::ptr}, r).find('\n'),
              std::string::npos);
}

TEST_F(Hostile, OtherRcodes)
{
    auto r = ask("formerr.evil.test", RecordType::a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, DnsErrorKind::failed);
    EXPECT_NE(r.error().message.find("FORMERR"), std::string::npos);
}

TEST_F(Hostile, TextIsKeptRawButPrintedEscaped)
{
    auto r = ask("txt-crlf.evil.test", RecordType::txt);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->texts, std::vector<std::string>{"a\r\nb"});
    const std::string line = describe(Query{"txt-crlf.evil.test", RecordType::txt}, r);
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_NE(line.find("\\x0d\\x0a"), std::string::npos);
}

TEST_F(Hostile, WalkStopsAtAFailure)
{
    auto suffixes = PublicSuffixList::load_default();
    ASSERT_TRUE(suffixes);
    auto found = find_sender_domain(*m_resolver, *suffixes, *net::IpAddress::parse("192.0.2.200"));
    EXPECT_FALSE(found.domain);
    EXPECT_TRUE(found.temporary);
    EXPECT_NE(found.reason.find("the MX look-up for flaky.test failed (SERVFAIL"),
              std::string::npos)
        << found.reason;
}

TEST_F(Hostile, PtrIntoSomeoneElsesDomainIsNotUsed)
{
    auto suffixes = PublicSuffixList::load_default();
    ASSERT_TRUE(suffixes);
    auto found = find_sender_domain(*m_resolver, *suffixes, *net::IpAddress::parse("192.0.2.201"));
    EXPECT_FALSE(found.domain);
    EXPECT_FALSE(found.temporary);
    EXPECT_NE(found.reason.find("mx.bigbank.test (resolves to 198.51.100.1, not 192.0.2.201)"),
              std::string::npos)
        << found.reason;
}

} // namespace
} // namespace fightback::dns
