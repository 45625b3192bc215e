// Parsing, printing and classifying IPv4/IPv6 addresses. Written by hand rather than with
// inet_pton so the lenient forms MTAs write (brackets, IPv6: prefix, zones, ports) are handled
// in one place and the classification tables stay visible.
#include "fightback/net/ip_address.hpp"

#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace fightback::net {
namespace {

std::optional<std::uint32_t> parse_v4_value(std::string_view text)
{
    std::uint32_t value = 0;
    int parts = 0;
    std::size_t pos = 0;
    while (parts < 4) {
        std::size_t end = pos;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9' && end - pos < 4)
            ++end;
        if (end == pos || end - pos > 3)
            return std::nullopt;
        unsigned octet = 0;
        std::from_chars(text.data() + pos, text.data() + end, octet);
        if (octet > 255)
            return std::nullopt;
        value = (value << 8) | octet;
        ++parts;
        pos = end;
        if (parts < 4) {
            if (pos >= text.size() || text[pos] != '.')
                return std::nullopt;
            ++pos;
        }
    }
    if (pos != text.size())
        return std::nullopt;
    return value;
}

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::array<std::uint8_t, 16>> parse_v6_bytes(std::string_view text)
{
    if (text.size() < 2 || text.size() > 45)
        return std::nullopt;
    std::array<std::uint16_t, 8> groups{};
    int count = 0;
    int gap_at = -1;
    std::size_t pos = 0;
    if (text.starts_with("::")) {
        gap_at = 0;
        pos = 2;
        if (pos == text.size())
            return std::array<std::uint8_t, 16>{};
    } else if (text[0] == ':') {
        return std::nullopt;
    }
    while (pos < text.size()) {
        // An embedded IPv4 tail takes the last two groups.
        std::size_t next_colon = text.find(':', pos);
        std::string_view piece = text.substr(pos, next_colon == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : next_colon - pos);
        if (piece.find('.') != std::string_view::npos) {
            if (next_colon != std::string_view::npos || count > 6)
                return std::nullopt;
            auto v4 = parse_v4_value(piece);
            if (!v4)
                return std::nullopt;
            groups[count++] = static_cast<std::uint16_t>(*v4 >> 16);
            groups[count++] = static_cast<std::uint16_t>(*v4 & 0xffff);
            pos = text.size();
            break;
        }
        if (piece.empty() || piece.size() > 4 || count >= 8)
            return std::nullopt;
        unsigned group = 0;
        for (char c : piece) {
            int h = hex_value(c);
            if (h < 0)
                return std::nullopt;
            group = group * 16 + static_cast<unsigned>(h);
        }
        groups[count++] = static_cast<std::uint16_t>(group);
        pos += piece.size();
        if (pos == text.size())
            break;
        ++pos; // the colon
        if (pos < text.size() && text[pos] == ':') {
            if (gap_at >= 0)
                return std::nullopt;
            gap_at = count;
            ++pos;
        } else if (pos == text.size()) {
            return std::nullopt; // trailing single colon
        }
    }
    if (gap_at < 0 && count != 8)
        return std::nullopt;
    if (gap_at >= 0 && count > 7)
        return std::nullopt;
    std::array<std::uint16_t, 8> full{};
    int tail = count - (gap_at < 0 ? count : gap_at);
    int head = count - tail;
    for (int i = 0; i < head; ++i)
        full[i] = groups[i];
    for (int i = 0; i < tail; ++i)
        full[8 - tail + i] = groups[head + i];
    std::array<std::uint8_t, 16> bytes{};
    for (int i = 0; i < 8; ++i) {
        bytes[2 * i] = static_cast<std::uint8_t>(full[i] >> 8);
        bytes[2 * i + 1] = static_cast<std::uint8_t>(full[i] & 0xff);
    }
    return bytes;
}

struct Prefix {
    IpAddress net;
    int length;
};

// Tables are parsed once; classification then costs a few byte compares.
std::vector<Prefix> make_table(std::initializer_list<std::pair<const char*, int>> ranges)
{
    std::vector<Prefix> table;
    for (const auto& [text, length] : ranges)
        table.push_back({*IpAddress::parse(text), length});
    return table;
}

bool in_table(const IpAddress& ip, const std::vector<Prefix>& table)
{
    for (const auto& p : table) {
        if (p.net.family() != ip.family())
            continue;
        bool match = true;
        for (int i = 0; i < p.length && match; ++i)
            match = p.net.bit(i) == ip.bit(i);
        if (match)
            return true;
    }
    return false;
}

} // namespace

IpAddress IpAddress::v4(std::uint32_t value)
{
    IpAddress ip;
    ip.m_family = Family::v4;
    ip.m_bytes[0] = static_cast<std::uint8_t>(value >> 24);
    ip.m_bytes[1] = static_cast<std::uint8_t>(value >> 16);
    ip.m_bytes[2] = static_cast<std::uint8_t>(value >> 8);
    ip.m_bytes[3] = static_cast<std::uint8_t>(value);
    return ip;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes)
{
    IpAddress ip;
    ip.m_family = Family::v6;
    ip.m_bytes = bytes;
    return ip;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    if (text.find(':') == std::string_view::npos) {
        if (auto v = parse_v4_value(text))
            return v4(*v);
        return std::nullopt;
    }
    if (auto b = parse_v6_bytes(text))
        return v6(*b);
    return std::nullopt;
}

std::optional<IpAddress> IpAddress::parse_lenient(std::string_view text)
{
    if (text.size() > 80)
        return std::nullopt;
    auto strip_prefix = [&](std::string_view p) {
        if (text.size() >= p.size() && strncasecmp(text.data(), p.data(), p.size()) == 0)
            text.remove_prefix(p.size());
    };
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        // `[addr]:port` or `[addr]`: the port, if any, is after the bracket.
        text = text.substr(1, close - 1);
    }
    strip_prefix("IPv6:");
    if (auto zone = text.find('%'); zone != std::string_view::npos)
        text = text.substr(0, zone);
    std::optional<IpAddress> ip;
    if (auto colon = text.find(':'); colon == std::string_view::npos) {
        ip = parse(text);
    } else if (text.find(':', colon + 1) == std::string_view::npos) {
        // exactly one colon: IPv4 with a port
        ip = parse(text.substr(0, colon));
        std::string_view port = text.substr(colon + 1);
        unsigned port_number = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
        if (ip && (port.empty() || ec != std::errc{} || end != port.data() + port.size() ||
                   port_number > 65535))
            ip.reset();
    } else {
        ip = parse(text);
    }
    if (ip && !ip->is_v4()) {
        static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(ip->m_bytes.data(), mapped, 12) == 0)
            return v4(ip->v4_value_from_mapped());
    }
    return ip;
}

std::uint32_t IpAddress::v4_value_from_mapped() const
{
    return (std::uint32_t{m_bytes[12]} << 24) | (std::uint32_t{m_bytes[13]} << 16) |
           (std::uint32_t{m_bytes[14]} << 8) | std::uint32_t{m_bytes[15]};
}

std::uint32_t IpAddress::v4_value() const
{
    return (std::uint32_t{m_bytes[0]} << 24) | (std::uint32_t{m_bytes[1]} << 16) |
           (std::uint32_t{m_bytes[2]} << 8) | std::uint32_t{m_bytes[3]};
}

bool IpAddress::bit(int index) const
{
    return (m_bytes[static_cast<std::size_t>(index / 8)] >> (7 - index % 8)) & 1;
}

std::string IpAddress::to_string() const
{
    if (is_v4())
        return fmt::format("{}.{}.{}.{}", m_bytes[0], m_bytes[1], m_bytes[2], m_bytes[3]);
    std::array<unsigned, 8> g{};
    for (int i = 0; i < 8; ++i)
        g[i] = (unsigned{m_bytes[2 * i]} << 8) | m_bytes[2 * i + 1];
    // RFC 5952: compress the longest run (length >= 2) of zero groups, the first on a tie.
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (g[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && g[j] == 0)
            ++j;
        if (j - i > best_len && j - i >= 2) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':')
            out += ':';
        out += fmt::format("{:x}", g[i]);
    }
    return out;
}

bool IpAddress::is_loopback() const
{
    static const auto table = make_table({{"127.0.0.0", 8}, {"::1", 128}});
    return in_table(*this, table);
}

bool IpAddress::is_private() const
{
    static const auto table = make_table({{"10.0.0.0", 8},
                                          {"127.0.0.0", 8},
                                          {"169.254.0.0", 16},
                                          {"172.16.0.0", 12},
                                          {"192.168.0.0", 16},
                                          {"100.64.0.0", 10},
                                          {"::1", 128},
                                          {"fe80::", 10},
                                          {"fc00::", 7},
                                          {"fec0::", 10}});
    return in_table(*this, table);
}

bool IpAddress::is_special_purpose() const
{
    // RFC 6890 and its IANA registries: everything not marked globally reachable.
    static const auto table = make_table({{"0.0.0.0", 8},
                                          {"10.0.0.0", 8},
                                          {"100.64.0.0", 10},
                                          {"127.0.0.0", 8},
                                          {"169.254.0.0", 16},
                                          {"172.16.0.0", 12},
                                          {"192.0.0.0", 24},
                                          {"192.0.2.0", 24},
                                          {"192.88.99.0", 24},
                                          {"192.168.0.0", 16},
                                          {"198.18.0.0", 15},
                                          {"198.51.100.0", 24},
                                          {"203.0.113.0", 24},
                                          {"224.0.0.0", 4},
                                          {"240.0.0.0", 4},
                                          {"::", 128},
                                          {"::1", 128},
                                          {"64:ff9b:1::", 48},
                                          {"100::", 64},
                                          {"2001::", 23},
                                          {"2001:db8::", 32},
                                          {"fc00::", 7},
                                          {"fe80::", 10},
                                          {"fec0::", 10},
                                          {"ff00::", 8}});
    return in_table(*this, table);
}

} // namespace fightback::net
