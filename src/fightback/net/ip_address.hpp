// An IPv4 or IPv6 address, parsed strictly or leniently from what MTAs write in Received
// lines, and the address classes the trust rules ask about (loopback, private, RFC 6890).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fightback::net {

class IpAddress {
public:
    enum class Family : std::uint8_t { v4, v6 };

    // Strict: a plain dotted quad or an RFC 4291 IPv6 text form, nothing around it.
    static std::optional<IpAddress> parse(std::string_view text);
    // Lenient, for addresses found in headers: strips `[...]`, an `IPv6:` prefix, a zone
    // (`%eth0`), a port (`1.2.3.4:25`, `[::1]:25`, `1.2.3.4.25` is NOT taken as a port), and
    // turns v4-mapped IPv6 (`::ffff:1.2.3.4`) into IPv4.
    static std::optional<IpAddress> parse_lenient(std::string_view text);

    static IpAddress v4(std::uint32_t host_order);
    static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);

    Family family() const { return m_family; }
    bool is_v4() const { return m_family == Family::v4; }
    // IPv4 occupies bytes 0..3; IPv6 all 16.
    const std::array<std::uint8_t, 16>& bytes() const { return m_bytes; }
    std::uint32_t v4_value() const;
    int bit_count() const { return is_v4() ? 32 : 128; }
    bool bit(int index) const;

    // Canonical text: dotted quad, or RFC 5952 IPv6.
    std::string to_string() const;

    bool is_loopback() const;
    // SpamAssassin's IP_PRIVATE set: 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16,
    // 100.64/10, and the IPv6 equivalents (loopback, link-local, unique-local, mapped private).
    bool is_private() const;
    // Not globally reachable per the RFC 6890 special-purpose registries (includes private,
    // documentation, benchmarking, multicast, reserved).
    bool is_special_purpose() const;

    auto operator<=>(const IpAddress&) const = default;

private:
    std::uint32_t v4_value_from_mapped() const;

    Family m_family = Family::v4;
    std::array<std::uint8_t, 16> m_bytes{};
};

} // namespace fightback::net
