// One Received line turned into a hop: who handed the message to whom, as the receiving MTA
// recorded it. Absent values stay empty optionals so output can print them as null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fightback/net/ip_address.hpp"

namespace fightback::trace {

enum class HopKind : std::uint8_t {
    handover,     // a network handover from a sender to the `by` host
    skipped,      // not a network handover (local delivery, by-only line, qmail invoked, ...)
    fetch,        // a POP/IMAP fetch (fetchmail, getmail): restarts the trust walk
    unparseable,  // looks like a handover but no sender could be read
};

struct Hop {
    HopKind kind = HopKind::unparseable;
    std::string reason;                 // why skipped/unparseable, or a note (a cut line)

    std::optional<net::IpAddress> ip;   // the sending IP, normalised
    std::optional<std::string> ip_text; // the IP as written when it could not be parsed
    std::optional<std::string> rdns;    // reverse-DNS name the receiving MTA recorded
    std::optional<std::string> helo;    // HELO/EHLO name the sender gave
    std::optional<std::string> by;      // the receiving host
    std::optional<std::string> ident;   // RFC 1413 ident user
    std::optional<std::string> envfrom; // envelope sender, where the MTA recorded it
    std::optional<std::string> id;      // the receiving MTA's queue id
    std::optional<std::string> for_addr;// the `for` recipient
    std::optional<std::string> protocol;// the `with` word: SMTP, ESMTPS, LMTP, HTTP, ...
    std::optional<std::string> auth;    // how the sender authenticated; empty optional when not
    std::optional<std::int64_t> date;   // seconds since the epoch (UTC), from the date after `;`
    bool mta_looked_up_dns = false;     // the MTA format always records rDNS when there is one
};

} // namespace fightback::trace
