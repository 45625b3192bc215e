// Parsing and printing registry address ranges.
#include "fightback/abuse/ip_range.hpp"

#include <charconv>

#include <fmt/format.h>

#include "fightback/net/network_set.hpp"

namespace fightback::abuse {
namespace {

unsigned __int128 value_of(const net::IpAddress& ip)
{
    unsigned __int128 v = 0;
    const int bytes = ip.is_v4() ? 4 : 16;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | ip.bytes()[static_cast<std::size_t>(i)];
    return v;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<net::IpAddress> parse_padded_v4(std::string_view text)
{
    std::uint32_t value = 0;
    int parts = 0;
    while (parts < 4) {
        auto dot = text.find('.');
        auto part = text.substr(0, dot);
        unsigned octet = 0;
        auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), octet);
        if (part.empty() || part.size() > 3 || ec != std::errc{} ||
            end != part.data() + part.size() || octet > 255)
            return std::nullopt;
        value = (value << 8) | octet;
        ++parts;
        if (dot == std::string_view::npos)
            break;
        text = text.substr(dot + 1);
    }
    if (parts != 4 || text.find('.') != std::string_view::npos)
        return std::nullopt;
    return net::IpAddress::v4(value);
}

} // namespace

unsigned __int128 IpRange::span() const
{
    return value_of(last) - value_of(first);
}

std::string IpRange::to_string() const
{
    const int bits = first.bit_count();
    const unsigned __int128 size_minus_one = span();
    if (last < first)
        return fmt::format("{} - {}", first.to_string(), last.to_string());
    // Exactly one prefix: size is a power of two and first is aligned to it.
    if ((size_minus_one & (size_minus_one + 1)) == 0 && (value_of(first) & size_minus_one) == 0) {
        int host_bits = 0;
        for (auto s = size_minus_one; s != 0; s >>= 1)
            ++host_bits;
        if (!(bits == 128 && host_bits == 128))
            return fmt::format("{}/{}", first.to_string(), bits - host_bits);
    }
    return fmt::format("{} - {}", first.to_string(), last.to_string());
}

std::optional<net::IpAddress> parse_registry_address(std::string_view text)
{
    text = trim(text);
    if (auto slash = text.find('/'); slash != std::string_view::npos)
        text = text.substr(0, slash);
    if (text.find(':') != std::string_view::npos)
        return net::IpAddress::parse(text);
    return parse_padded_v4(text);
}

std::optional<IpRange> parse_range(std::string_view text)
{
    text = trim(text);
    if (auto dash = text.find(" - "); dash != std::string_view::npos) {
        auto a = parse_registry_address(text.substr(0, dash));
        auto b = parse_registry_address(text.substr(dash + 3));
        if (!a || !b || a->family() != b->family() || *b < *a)
            return std::nullopt;
        return IpRange{*a, *b};
    }
    if (text.find('/') != std::string_view::npos) {
        auto cidr = net::parse_cidr(text);
        if (!cidr)
            return std::nullopt;
        auto bytes = cidr->network.bytes();
        const int bits = cidr->network.bit_count();
        for (int i = cidr->length; i < bits; ++i)
            bytes[static_cast<std::size_t>(i / 8)] |= static_cast<std::uint8_t>(0x80u >> (i % 8));
        net::IpAddress last = cidr->network.is_v4()
            ? net::IpAddress::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                                 (std::uint32_t{bytes[2]} << 8) | bytes[3])
            : net::IpAddress::v6(bytes);
        return IpRange{cidr->network, last};
    }
    if (auto ip = parse_registry_address(text))
        return IpRange::single(*ip);
    return std::nullopt;
}

} // namespace fightback::abuse
