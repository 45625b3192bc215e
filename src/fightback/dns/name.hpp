// Domain names that came from DNS, mail or the command line are checked before anything uses
// them: a PTR name ends up in a complaint address and on a terminal, so CR/LF, control bytes,
// characters a hostname cannot hold, and over-long labels or names are refused with a reason.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::dns {

inline constexpr std::size_t max_label_octets = 63;
// The longest name in dotted form without the trailing dot (255 octets on the wire).
inline constexpr std::size_t max_name_octets = 253;

enum class NameRules {
    hostname, // letters, digits, inner hyphens (RFC 952/1123); the last label not all digits
    lookup,   // what we may ask for: hostname characters plus '_' (_dmarc, SRV-style owners)
};

// Checks a name given as raw labels (as read off the wire, octets uninterpreted) and returns
// its lowercased dotted form, or an `invalid` error that says what is wrong with it.
Expected<std::string> check_labels(std::span<const std::string> labels, NameRules rules);

// The same for a name written as text ("Mail.Example.TEST."); one trailing dot is allowed.
// Backslash escapes are not interpreted: a backslash is simply a character no name may hold.
Expected<std::string> normalize_name(std::string_view text, NameRules rules);

// "10.2.0.192.in-addr.arpa", or the 32 nibbles under ip6.arpa.
std::string reverse_name(const net::IpAddress& address);

// "b.c" for "a.b.c"; nothing for a single label.
std::optional<std::string_view> parent_name(std::string_view name);

// True when `name` is `ancestor` or below it (both lowercased, no trailing dot).
bool is_at_or_below(std::string_view name, std::string_view ancestor);

} // namespace fightback::dns
