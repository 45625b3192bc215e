// What a DNS look-up gives back: the records of one type for one name, or the reason there are
// none. The failure kinds stay apart because callers act differently on them: NXDOMAIN and
// NODATA are answers (cacheable, final), SERVFAIL, REFUSED and timeouts say nothing about the
// name, and a bad answer means the server sent something we refuse to believe.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::dns {

enum class RecordType : std::uint16_t {
    a = 1,
    cname = 5,
    soa = 6,
    ptr = 12,
    mx = 15,
    txt = 16,
    aaaa = 28,
};

std::string_view type_name(RecordType type);
// "TYPE123" for types we have no name for.
std::string type_name(std::uint16_t type);

struct Query {
    std::string name; // presentation form, no trailing dot
    RecordType type = RecordType::a;
};

struct MxRecord {
    std::uint16_t preference = 0;
    std::string exchange; // empty for the null MX "." (RFC 7505)

    bool is_null() const { return exchange.empty(); }
};

struct Answer {
    std::string name; // the name asked for, lowercased
    RecordType type = RecordType::a;
    std::uint32_t ttl = 0; // seconds still to live (counts down when served from the cache)
    bool from_cache = false;

    std::vector<net::IpAddress> addresses; // A, AAAA
    std::vector<std::string> names;        // PTR, validated hostnames
    std::vector<MxRecord> mx;              // MX, exchanges validated
    std::vector<std::string> texts;        // TXT, one string per record (raw octets)
    // Records of the asked type that were dropped, each with the reason (hostile names,
    // wrong sizes). The answer stands on the records that were kept.
    std::vector<std::string> rejected;
};

enum class DnsErrorKind : std::uint8_t {
    nxdomain,    // the name does not exist
    nodata,      // the name exists but has no record of this type
    servfail,    // the server could not answer
    refused,     // the server would not answer
    timeout,     // no answer in time after every try
    unreachable, // the server could not be reached (connection refused, network down)
    bad_answer,  // malformed, truncated, wrong record types, or every record was hostile
    bad_name,    // the name asked for is not a valid domain name
    failed,      // anything else (other RCODEs, resource errors)
};

std::string_view kind_name(DnsErrorKind kind);

struct DnsError {
    DnsErrorKind kind = DnsErrorKind::failed;
    std::string message;
    // How long a negative answer (NXDOMAIN, NODATA) may be cached: from the SOA in the
    // authority section (RFC 2308). Absent when the server sent no SOA.
    std::optional<std::uint32_t> negative_ttl;
    bool from_cache = false;

    // The name or record does not exist: a real answer, not a failure to get one.
    bool is_negative() const
    {
        return kind == DnsErrorKind::nxdomain || kind == DnsErrorKind::nodata;
    }
    // Asking again later may give a different result.
    bool is_temporary() const
    {
        return kind == DnsErrorKind::servfail || kind == DnsErrorKind::refused ||
               kind == DnsErrorKind::timeout || kind == DnsErrorKind::unreachable ||
               kind == DnsErrorKind::failed;
    }
};

using DnsResult = std::expected<Answer, DnsError>;

inline std::unexpected<DnsError> dns_fail(DnsErrorKind kind, std::string message,
                                          std::optional<std::uint32_t> negative_ttl = {})
{
    return std::unexpected<DnsError>(DnsError{kind, std::move(message), negative_ttl, false});
}

// For callers that only need the project-wide error categories.
Error to_error(const DnsError& error);

// One line for people: "PTR 10.2.0.192.in-addr.arpa: mail.example.test (ttl 300)" or
// "MX nx.example.test: NXDOMAIN (negative ttl 60)". Hostile bytes are escaped.
std::string describe(const Query& query, const DnsResult& result);

} // namespace fightback::dns
