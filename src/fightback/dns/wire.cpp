// The response reader. Names are decompressed here with two rules that make loops impossible:
// a compression pointer must point before the name segment it sits in, and a name may not
// exceed 255 octets. Label octets are kept raw and judged by check_labels, so a reason can say
// "holds a line break" instead of a generic "bad response".
#include "fightback/dns/wire.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fightback/dns/name.hpp"

namespace fightback::dns {
namespace {

using Labels = std::vector<std::string>;
using Reason = std::expected<void, std::string>;

constexpr std::uint16_t class_in = 1;

struct Reader {
    std::span<const std::uint8_t> packet;
    std::size_t pos = 0;

    bool has(std::size_t n) const { return pos <= packet.size() && packet.size() - pos >= n; }
    std::uint16_t u16()
    {
        std::uint16_t v = static_cast<std::uint16_t>(packet[pos] << 8 | packet[pos + 1]);
        pos += 2;
        return v;
    }
    std::uint32_t u32()
    {
        std::uint32_t hi = u16();
        return hi << 16 | u16();
    }
};

std::expected<Labels, std::string> read_name(std::span<const std::uint8_t> packet,
                                             std::size_t& pos)
{
    Labels labels;
    std::size_t at = pos;
    std::size_t segment_start = at;
    std::size_t wire_length = 1; // the root label
    bool jumped = false;
    while (true) {
        if (at >= packet.size())
            return std::unexpected("a name runs past the end of the packet");
        const std::uint8_t len = packet[at];
        if ((len & 0xC0) == 0xC0) {
            if (at + 1 >= packet.size())
                return std::unexpected("a compression pointer is cut off");
            const std::size_t target = static_cast<std::size_t>(len & 0x3F) << 8 | packet[at + 1];
            if (target >= segment_start)
                return std::unexpected("a compression pointer does not point backwards");
            if (!jumped)
                pos = at + 2;
            jumped = true;
            at = segment_start = target;
            continue;
        }
        if (len & 0xC0)
            return std::unexpected(fmt::format(
                "a label length octet is 0x{:02x}: labels are at most 63 octets", len));
        if (len == 0) {
            if (!jumped)
                pos = at + 1;
            return labels;
        }
        wire_length += 1u + len;
        if (wire_length > 255)
            return std::unexpected("a name is longer than 255 octets");
        if (packet.size() - at - 1 < len)
            return std::unexpected("a label runs past the end of the packet");
        labels.emplace_back(reinterpret_cast<const char*>(packet.data() + at + 1), len);
        at += 1u + len;
    }
}

bool same_name(const Labels& a, const Labels& b)
{
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return std::ranges::equal(a, b, [&](const std::string& x, const std::string& y) {
        return std::ranges::equal(x, y, {}, lower, lower);
    });
}

struct RawRecord {
    Labels owner;
    std::uint16_t type = 0;
    std::uint16_t klass = 0;
    std::uint32_t ttl = 0;
    std::size_t rdata = 0;
    std::size_t rdlength = 0;
};

std::expected<RawRecord, std::string> read_record(Reader& r)
{
    RawRecord rr;
    auto owner = read_name(r.packet, r.pos);
    if (!owner)
        return std::unexpected(owner.error());
    rr.owner = std::move(*owner);
    if (!r.has(10))
        return std::unexpected("the record header is cut off");
    rr.type = r.u16();
    rr.klass = r.u16();
    rr.ttl = r.u32();
    // RFC 2181 section 8: a TTL with the top bit set is treated as zero.
    if (rr.ttl > 0x7fffffffu)
        rr.ttl = 0;
    rr.rdlength = r.u16();
    if (!r.has(rr.rdlength))
        return std::unexpected("the record data runs past the end of the packet");
    rr.rdata = r.pos;
    r.pos += rr.rdlength;
    return rr;
}

// A name that must fill the record data from `start` to the record's end.
std::expected<Labels, std::string> name_in_rdata(std::span<const std::uint8_t> packet,
                                                 const RawRecord& rr, std::size_t start)
{
    std::size_t pos = start;
    auto name = read_name(packet, pos);
    if (!name)
        return name;
    if (pos != rr.rdata + rr.rdlength)
        return std::unexpected(pos > rr.rdata + rr.rdlength ? "a name runs past its record"
                                                            : "the record has trailing octets");
    return name;
}

Reason add_record(std::span<const std::uint8_t> packet, const RawRecord& rr, Answer& out,
                  std::size_t& txt_octets)
{
    const std::uint8_t* data = packet.data() + rr.rdata;
    switch (static_cast<RecordType>(rr.type)) {
    case RecordType::a:
        if (rr.rdlength != 4)
            return std::unexpected(fmt::format("an A record of {} octets", rr.rdlength));
        out.addresses.push_back(net::IpAddress::v4(static_cast<std::uint32_t>(data[0]) << 24 |
                                                   static_cast<std::uint32_t>(data[1]) << 16 |
                                                   static_cast<std::uint32_t>(data[2]) << 8 |
                                                   data[3]));
        return {};
    case RecordType::aaaa: {
        if (rr.rdlength != 16)
            return std::unexpected(fmt::format("an AAAA record of {} octets", rr.rdlength));
        std::array<std::uint8_t, 16> bytes{};
        std::copy_n(data, 16, bytes.begin());
        out.addresses.push_back(net::IpAddress::v6(bytes));
        return {};
    }
    case RecordType::ptr: {
        auto labels = name_in_rdata(packet, rr, rr.rdata);
        if (!labels)
            return std::unexpected(labels.error());
        auto name = check_labels(*labels, NameRules::hostname);
        if (!name)
            return std::unexpected("PTR name refused: " + name.error().message);
        out.names.push_back(std::move(*name));
        return {};
    }
    case RecordType::mx: {
        if (rr.rdlength < 3)
            return std::unexpected("an MX record too short to hold a name");
        MxRecord mx;
        mx.preference = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
        auto labels = name_in_rdata(packet, rr, rr.rdata + 2);
        if (!labels)
            return std::unexpected(labels.error());
        if (!labels->empty()) {
            auto name = check_labels(*labels, NameRules::hostname);
            if (!name)
                return std::unexpected("MX exchange refused: " + name.error().message);
            mx.exchange = std::move(*name);
        }
        out.mx.push_back(std::move(mx));
        return {};
    }
    case RecordType::txt: {
        std::string text;
        std::size_t i = 0;
        while (i < rr.rdlength) {
            const std::size_t len = data[i];
            if (rr.rdlength - i - 1 < len)
                return std::unexpected("a TXT string runs past its record");
            text.append(reinterpret_cast<const char*>(data + i + 1), len);
            i += 1 + len;
        }
        txt_octets += text.size();
        if (txt_octets > max_txt_octets)
            return std::unexpected("TXT records over the size limit");
        out.texts.push_back(std::move(text));
        return {};
    }
    case RecordType::cname:
    case RecordType::soa:
        break;
    }
    return std::unexpected("a record of a type we did not ask for");
}

// RFC 2308: a negative answer may be cached for the lesser of the SOA's TTL and its MINIMUM.
std::optional<std::uint32_t> negative_ttl(std::span<const std::uint8_t> packet,
                                          const std::vector<RawRecord>& authority)
{
    for (const auto& rr : authority) {
        if (rr.type != static_cast<std::uint16_t>(RecordType::soa) || rr.klass != class_in)
            continue;
        std::size_t pos = rr.rdata;
        if (!read_name(packet, pos) || !read_name(packet, pos))
            return std::nullopt;
        if (pos + 20 != rr.rdata + rr.rdlength)
            return std::nullopt;
        Reader r{packet, pos + 16};
        const std::uint32_t minimum = r.u32();
        return std::min(rr.ttl, minimum);
    }
    return std::nullopt;
}

std::string rcode_name(unsigned rcode)
{
    switch (rcode) {
    case 1: return "FORMERR";
    case 4: return "NOTIMP";
    case 6: return "YXDOMAIN";
    case 9: return "NOTAUTH";
    default: return fmt::format("RCODE {}", rcode);
    }
}

Labels split_name(std::string_view name)
{
    Labels labels;
    while (!name.empty()) {
        auto dot = name.find('.');
        labels.emplace_back(name.substr(0, dot));
        if (dot == std::string_view::npos)
            break;
        name.remove_prefix(dot + 1);
    }
    return labels;
}

} // namespace

DnsResult parse_response(std::span<const std::uint8_t> packet, const Query& query)
{
    auto bad = [](std::string message) {
        return dns_fail(DnsErrorKind::bad_answer, std::move(message));
    };
    if (packet.size() < 12)
        return bad("the packet is shorter than a DNS header");
    Reader r{packet, 2};
    const std::uint16_t flags = r.u16();
    const std::uint16_t qdcount = r.u16();
    const std::uint16_t ancount = r.u16();
    const std::uint16_t nscount = r.u16();
    r.u16(); // the additional section is never read
    if (!(flags & 0x8000))
        return bad("the packet is a query, not a response");
    if (qdcount != 1)
        return bad(fmt::format("the response holds {} questions", qdcount));
    if (std::size_t{ancount} + nscount > max_records)
        return bad(fmt::format("the response claims {} records", ancount + nscount));

    const Labels wanted = split_name(query.name);
    auto qname = read_name(packet, r.pos);
    if (!qname)
        return bad("question: " + qname.error());
    if (!r.has(4))
        return bad("the question is cut off");
    const std::uint16_t qtype = r.u16();
    r.u16(); // class
    if (qtype != static_cast<std::uint16_t>(query.type) || !same_name(*qname, wanted))
        return bad("the response is for a different question");

    std::vector<RawRecord> answers, authority;
    for (std::size_t i = 0; i < std::size_t{ancount} + nscount; ++i) {
        auto rr = read_record(r);
        if (!rr)
            return bad(fmt::format("{} record {}: {}", i < ancount ? "answer" : "authority",
                                   i < ancount ? i + 1 : i - ancount + 1, rr.error()));
        (i < ancount ? answers : authority).push_back(std::move(*rr));
    }

    const auto neg_ttl = negative_ttl(packet, authority);
    const unsigned rcode = flags & 0x0f;
    switch (rcode) {
    case 0: break;
    case 3: return dns_fail(DnsErrorKind::nxdomain, "no such name", neg_ttl);
    case 2: return dns_fail(DnsErrorKind::servfail, "the server failed to answer");
    case 5: return dns_fail(DnsErrorKind::refused, "the server refused to answer");
    default:
        return dns_fail(DnsErrorKind::failed,
                        fmt::format("the server answered {}", rcode_name(rcode)));
    }

    // Follow CNAMEs from the name asked for; only records at the end of the chain count.
    std::vector<Labels> chain{wanted};
    std::vector<bool> used(answers.size(), false);
    std::uint32_t ttl = std::numeric_limits<std::uint32_t>::max();
    for (std::size_t step = 0; step <= max_cname_chain; ++step) {
        bool extended = false;
        for (std::size_t i = 0; i < answers.size(); ++i) {
            const auto& rr = answers[i];
            if (used[i] || rr.type != static_cast<std::uint16_t>(RecordType::cname) ||
                rr.klass != class_in || !same_name(rr.owner, chain.back()))
                continue;
            if (step == max_cname_chain)
                return bad("the CNAME chain is too long");
            auto target = name_in_rdata(packet, rr, rr.rdata);
            if (!target)
                return bad("a CNAME record: " + target.error());
            for (const auto& seen : chain)
                if (same_name(seen, *target))
                    return bad("the CNAME chain loops");
            chain.push_back(std::move(*target));
            used[i] = true;
            ttl = std::min(ttl, rr.ttl);
            extended = true;
            break;
        }
        if (!extended)
            break;
    }

    Answer answer;
    answer.name = query.name;
    answer.type = query.type;
    std::size_t matching = 0, txt_octets = 0;
    std::vector<std::uint16_t> other_types;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& rr = answers[i];
        if (used[i])
            continue;
        if (rr.type != qtype || rr.klass != class_in || !same_name(rr.owner, chain.back())) {
            if (std::ranges::find(other_types, rr.type) == other_types.end())
                other_types.push_back(rr.type);
            continue;
        }
        ++matching;
        if (auto added = add_record(packet, rr, answer, txt_octets); !added) {
            answer.rejected.push_back(added.error());
            continue;
        }
        ttl = std::min(ttl, rr.ttl);
    }
    const std::string type = std::string(type_name(query.type));
    if (matching == 0) {
        if (!other_types.empty()) {
            std::string found;
            for (auto t : other_types)
                found += (found.empty() ? "" : ", ") + type_name(t);
            return bad(fmt::format("the answer holds no {} record for the name asked, only {}",
                                   type, found));
        }
        return dns_fail(DnsErrorKind::nodata, fmt::format("no {} record", type), neg_ttl);
    }
    if (answer.rejected.size() == matching) {
        std::string reasons;
        for (const auto& why : answer.rejected)
            reasons += (reasons.empty() ? "" : "; ") + why;
        return bad(fmt::format("every {} record was refused: {}", type, reasons));
    }
    answer.ttl = ttl;
    return answer;
}

} // namespace fightback::dns
