// Reading the sender out of the from-part of a Received line: which address the receiving
// MTA recorded, with the HELO, reverse DNS and ident around it, and what kind of line it is
// when there is none (local, fetch, unreadable). Internal to trace/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fightback/trace/hop.hpp"
#include "fightback/trace/received_fields.hpp"

namespace fightback::trace::detail {

struct Sender {
    std::string_view ip; // as written, without brackets, port or zone
    std::string_view helo;
    bool helo_given = false; // "(HELO )": the client gave an empty name
    std::string_view rdns;
    std::string_view ident;
    bool looked_up_dns = false;
    // SpamAssassin matches this shape before it looks for POP/IMAP fetch markers, so the line
    // stays a handover even when it says "with POP3".
    bool strong = false;
};

struct SenderResult {
    HopKind kind = HopKind::unparseable;
    std::string reason;
    std::optional<Sender> sender;
    bool ms_server = false; // Exchange: the "id" is a version, not a queue id
};

SenderResult find_sender(const LineShape& shape);

// The first "[address]" anywhere in `text`: SpamAssassin's last resort for lines no known
// shape fits.
std::optional<std::string_view> first_bracketed_ip(std::string_view text);

} // namespace fightback::trace::detail
