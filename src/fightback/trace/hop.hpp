// One Received line turned into a hop: who handed the message to whom, as the receiving MTA
// recorded it. Absent values stay empty optionals so output can print them as null; the
// texts are MailText, so whatever bytes the line held, a hop keeps clean UTF-8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/mail_text.hpp"

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
    std::optional<MailText> ip_text;    // the IP as written when it could not be parsed
    std::optional<MailText> rdns;    // reverse-DNS name the receiving MTA recorded
    std::optional<MailText> helo;    // HELO/EHLO name the sender gave
    std::optional<MailText> by;      // the receiving host
    std::optional<MailText> ident;   // RFC 1413 ident user
    std::optional<MailText> envfrom; // envelope sender, where the MTA recorded it
    std::optional<MailText> id;      // the receiving MTA's queue id
    std::optional<MailText> for_addr;// the `for` recipient
    std::optional<MailText> protocol;// the `with` word: SMTP, ESMTPS, LMTP, HTTP, ...
    std::optional<MailText> auth;    // how the sender authenticated; empty optional when not
    std::optional<std::int64_t> date;   // seconds since the epoch (UTC), from the date after `;`
    bool mta_looked_up_dns = false;     // the MTA format always records rDNS when there is one
};

} // namespace fightback::trace
