// Test helper: reading the question out of a DNS query and writing responses byte by byte,
// including ones no real server would send (raw label octets, wrong counts, cut-off packets),
// for the parser's unit tests, the crafted responder and the benchmark's delaying server.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fightback::test_dns {

using Bytes = std::vector<std::uint8_t>;

struct ParsedQuery {
    std::uint16_t id = 0;
    std::string name; // lowercased, dotted, no trailing dot
    std::uint16_t type = 0;
    Bytes question; // the question section as sent (name, type, class)
};

inline std::optional<ParsedQuery> parse_query(std::span<const std::uint8_t> packet)
{
    if (packet.size() < 12)
        return std::nullopt;
    ParsedQuery q;
    q.id = static_cast<std::uint16_t>(packet[0] << 8 | packet[1]);
    std::size_t pos = 12;
    while (true) {
        if (pos >= packet.size())
            return std::nullopt;
        const std::size_t len = packet[pos];
        if (len == 0)
            break;
        if (len > 63 || pos + 1 + len > packet.size())
            return std::nullopt;
        if (!q.name.empty())
            q.name += '.';
        for (std::size_t i = 0; i < len; ++i) {
            char c = static_cast<char>(packet[pos + 1 + i]);
            q.name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
        }
        pos += 1 + len;
    }
    if (pos + 5 > packet.size())
        return std::nullopt;
    q.type = static_cast<std::uint16_t>(packet[pos + 1] << 8 | packet[pos + 2]);
    q.question.assign(packet.begin() + 12, packet.begin() + static_cast<std::ptrdiff_t>(pos + 5));
    return q;
}

// A name in wire form from dotted text; no escapes, so tests can put any octet in a label.
inline Bytes wire_name(std::string_view dotted)
{
    Bytes out;
    while (!dotted.empty()) {
        auto dot = dotted.find('.');
        auto label = dotted.substr(0, dot);
        out.push_back(static_cast<std::uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
        if (dot == std::string_view::npos)
            break;
        dotted.remove_prefix(dot + 1);
    }
    out.push_back(0);
    return out;
}

// A name from raw labels (any length: the length octet is written as given, modulo 256).
inline Bytes wire_labels(const std::vector<std::string>& labels)
{
    Bytes out;
    for (const auto& l : labels) {
        out.push_back(static_cast<std::uint8_t>(l.size()));
        out.insert(out.end(), l.begin(), l.end());
    }
    out.push_back(0);
    return out;
}

inline void put16(Bytes& b, std::uint16_t v)
{
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

inline void put32(Bytes& b, std::uint32_t v)
{
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}

struct Record {
    Bytes owner; // wire form; {0xC0, 0x0C} points at the question name
    std::uint16_t type = 1;
    std::uint32_t ttl = 300;
    Bytes rdata;
    std::uint16_t klass = 1;
};

inline Bytes question_pointer()
{
    return Bytes{0xC0, 0x0C};
}

inline Bytes rdata_a(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
{
    return Bytes{a, b, c, d};
}

inline Bytes rdata_mx(std::uint16_t preference, std::string_view exchange)
{
    Bytes out;
    put16(out, preference);
    Bytes name = exchange.empty() || exchange == "." ? Bytes{0} : wire_name(exchange);
    out.insert(out.end(), name.begin(), name.end());
    return out;
}

inline Bytes rdata_soa(std::uint32_t minimum)
{
    Bytes out = wire_name("ns.test");
    Bytes rname = wire_name("hostmaster.test");
    out.insert(out.end(), rname.begin(), rname.end());
    for (std::uint32_t v : {1u, 3600u, 600u, 86400u})
        put32(out, v);
    put32(out, minimum);
    return out;
}

inline Bytes rdata_txt(const std::vector<std::string>& strings)
{
    Bytes out;
    for (const auto& s : strings) {
        out.push_back(static_cast<std::uint8_t>(s.size()));
        out.insert(out.end(), s.begin(), s.end());
    }
    return out;
}

// A response to `question` (wire form: name, type, class) with the given sections.
inline Bytes response(std::uint16_t id, const Bytes& question, unsigned rcode,
                      const std::vector<Record>& answers,
                      const std::vector<Record>& authority = {})
{
    Bytes out;
    put16(out, id);
    put16(out, static_cast<std::uint16_t>(0x8180 | (rcode & 0x0f))); // QR, RD, RA
    put16(out, 1);
    put16(out, static_cast<std::uint16_t>(answers.size()));
    put16(out, static_cast<std::uint16_t>(authority.size()));
    put16(out, 0);
    out.insert(out.end(), question.begin(), question.end());
    for (const auto* section : {&answers, &authority}) {
        for (const auto& rr : *section) {
            out.insert(out.end(), rr.owner.begin(), rr.owner.end());
            put16(out, rr.type);
            put16(out, rr.klass);
            put32(out, rr.ttl);
            put16(out, static_cast<std::uint16_t>(rr.rdata.size()));
            out.insert(out.end(), rr.rdata.begin(), rr.rdata.end());
        }
    }
    return out;
}

// The question section for a name and type, as a query would carry it.
inline Bytes question_for(std::string_view name, std::uint16_t type)
{
    Bytes q = wire_name(name);
    put16(q, type);
    put16(q, 1);
    return q;
}

// A recursive query for a name and type.
inline Bytes query_packet(std::uint16_t id, std::string_view name, std::uint16_t type)
{
    Bytes out;
    out.reserve(12 + name.size() + 6);
    for (std::uint16_t v : {id, std::uint16_t{0x0100}, std::uint16_t{1}, std::uint16_t{0},
                            std::uint16_t{0}, std::uint16_t{0}})
        put16(out, v);
    Bytes q = question_for(name, type);
    out.insert(out.end(), q.begin(), q.end());
    return out;
}

} // namespace fightback::test_dns
