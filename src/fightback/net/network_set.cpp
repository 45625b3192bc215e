// SpamAssassin-compatible network lists: the short forms users already have in local.cf keep
// their meaning when moved into fightback's config.
#include "fightback/net/network_set.hpp"

#include <charconv>

#include <fmt/format.h>

namespace fightback::net {
namespace {

IpAddress masked(const IpAddress& ip, int length)
{
    auto bytes = ip.bytes();
    for (int i = length; i < ip.bit_count(); ++i)
        bytes[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (i % 8)));
    if (ip.is_v4())
        return IpAddress::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                             (std::uint32_t{bytes[2]} << 8) | bytes[3]);
    return IpAddress::v6(bytes);
}

// `10`, `10.`, `1.2`, `1.2.`, `1.2.3`, `1.2.3.`: SpamAssassin's abbreviated IPv4 networks.
std::optional<Cidr> parse_short_v4(std::string_view text, bool has_length)
{
    if (!text.empty() && text.back() == '.')
        text.remove_suffix(1);
    std::uint32_t value = 0;
    int parts = 0;
    while (!text.empty()) {
        auto dot = text.find('.');
        auto part = text.substr(0, dot);
        unsigned octet = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
        if (part.empty() || ec != std::errc{} || end != part.data() + part.size() || octet > 255 ||
            ++parts > 3)
            return std::nullopt;
        value = (value << 8) | octet;
        text = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
        if (dot != std::string_view::npos && text.empty())
            return std::nullopt;
    }
    if (parts == 0)
        return std::nullopt;
    value <<= 8 * (4 - parts);
    // With an explicit length the caller overrides this default.
    return Cidr{IpAddress::v4(value), has_length ? 32 : parts * 8};
}

Expected<std::vector<Cidr>> range_to_cidrs(const IpAddress& first, const IpAddress& last)
{
    if (first.family() != last.family() || !first.is_v4() || last < first)
        return fail(ErrorKind::invalid, "a range needs two IPv4 addresses, low to high");
    std::vector<Cidr> out;
    std::uint64_t lo = first.v4_value();
    const std::uint64_t hi = last.v4_value();
    while (lo <= hi) {
        int length = 32;
        while (length > 0) {
            std::uint64_t size = std::uint64_t{1} << (32 - (length - 1));
            if (lo % size != 0 || lo + size - 1 > hi)
                break;
            --length;
        }
        out.push_back({IpAddress::v4(static_cast<std::uint32_t>(lo)), length});
        lo += std::uint64_t{1} << (32 - length);
    }
    return out;
}

} // namespace

bool Cidr::contains(const IpAddress& ip) const
{
    if (ip.family() != network.family())
        return false;
    const auto& a = ip.bytes();
    const auto& b = network.bytes();
    int full = length / 8;
    for (int i = 0; i < full; ++i)
        if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(i)])
            return false;
    int rest = length % 8;
    if (rest == 0)
        return true;
    auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
    return (a[static_cast<std::size_t>(full)] & mask) == (b[static_cast<std::size_t>(full)] & mask);
}

std::string Cidr::to_string() const
{
    return fmt::format("{}/{}", network.to_string(), length);
}

Expected<Cidr> parse_cidr(std::string_view text)
{
    std::string_view address = text;
    std::optional<int> length;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        address = text.substr(0, slash);
        auto len_text = text.substr(slash + 1);
        int value = -1;
        auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), value);
        if (len_text.empty() || ec != std::errc{} || end != len_text.data() + len_text.size())
            return fail(ErrorKind::invalid, fmt::format("bad prefix length in '{}'", text));
        length = value;
    }
    if (address.size() > 2 && address.front() == '[' && address.back() == ']')
        address = address.substr(1, address.size() - 2);
    std::optional<Cidr> cidr;
    if (auto ip = IpAddress::parse_lenient(address))
        cidr = Cidr{*ip, ip->bit_count()};
    else if (address.find(':') == std::string_view::npos)
        cidr = parse_short_v4(address, length.has_value());
    if (!cidr)
        return fail(ErrorKind::invalid, fmt::format("'{}' is not a network", text));
    if (length) {
        if (*length < 0 || *length > cidr->network.bit_count())
            return fail(ErrorKind::invalid, fmt::format("prefix length out of range in '{}'", text));
        cidr->length = *length;
    }
    cidr->network = masked(cidr->network, cidr->length);
    return *cidr;
}

Expected<NetworkSet> NetworkSet::parse(std::string_view list)
{
    NetworkSet set;
    std::size_t pos = 0;
    while (pos < list.size()) {
        auto start = list.find_first_not_of(" \t\r\n,", pos);
        if (start == std::string_view::npos)
            break;
        auto end = list.find_first_of(" \t\r\n,", start);
        auto token = list.substr(start, end == std::string_view::npos ? end : end - start);
        pos = end == std::string_view::npos ? list.size() : end;

        bool exclude = token.starts_with('!');
        if (exclude)
            token.remove_prefix(1);
        if (auto dash = token.find('-'); dash != std::string_view::npos) {
            auto first = IpAddress::parse(token.substr(0, dash));
            auto last = IpAddress::parse(token.substr(dash + 1));
            if (!first || !last)
                return fail(ErrorKind::invalid, fmt::format("'{}' is not a range", token));
            auto cidrs = range_to_cidrs(*first, *last);
            if (!cidrs)
                return fail(ErrorKind::invalid,
                            fmt::format("'{}': {}", token, cidrs.error().message));
            for (const auto& c : *cidrs)
                set.add(c, exclude);
            continue;
        }
        auto cidr = parse_cidr(token);
        if (!cidr)
            return std::unexpected(cidr.error());
        set.add(*cidr, exclude);
    }
    return set;
}

void NetworkSet::add(const Cidr& cidr, bool exclude)
{
    m_entries.push_back({cidr, exclude});
}

void NetworkSet::append(const NetworkSet& other)
{
    m_entries.insert(m_entries.end(), other.m_entries.begin(), other.m_entries.end());
}

bool NetworkSet::contains(const IpAddress& ip) const
{
    for (const auto& e : m_entries)
        if (e.cidr.contains(ip))
            return !e.exclude;
    return false;
}

std::string NetworkSet::to_string() const
{
    std::string out;
    for (const auto& e : m_entries) {
        if (!out.empty())
            out += ' ';
        if (e.exclude)
            out += '!';
        out += e.cidr.to_string();
    }
    return out;
}

} // namespace fightback::net
