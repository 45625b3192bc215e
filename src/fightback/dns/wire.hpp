// Reading a DNS response packet into an Answer or a DnsError. c-ares does the transport (query
// ids, matching the question, retries, TCP on truncation); this reads what came back, because
// c-ares 1.18's ares_parse_* give no TTLs for PTR, MX and TXT, do not read the SOA from the
// authority section that negative caching needs (RFC 2308), and refuse a whole answer over one
// bad name without saying why. Every length and count is checked against the packet.
#pragma once

#include <cstdint>
#include <span>

#include "fightback/dns/answer.hpp"

namespace fightback::dns {

// Records read beyond this many in the answer and authority sections make the packet bad.
inline constexpr std::size_t max_records = 512;
// CNAMEs followed from the name asked for.
inline constexpr std::size_t max_cname_chain = 16;
// TXT octets kept for one answer.
inline constexpr std::size_t max_txt_octets = 65536;

// `query.name` must already be normalised (lowercase, no trailing dot).
DnsResult parse_response(std::span<const std::uint8_t> packet, const Query& query);

} // namespace fightback::dns
