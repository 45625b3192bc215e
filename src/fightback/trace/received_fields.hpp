// Fields of a Received line that are found by looking through the whole line rather than at
// a fixed place in the from-part: how the sender authenticated, the envelope sender the MTA
// noted, the queue id. Internal to trace/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fightback/trace/received_scan.hpp"
#include "fightback/util/mail_text.hpp"

namespace fightback::trace::detail {

// Where the parser found the keywords of a line, so the finders need not look again.
struct LineShape {
    const ScannedLine* line = nullptr;
    ItemList items;                   // top-level items, in the line's arena
    std::size_t from_end = 0;         // index in items of the `by` keyword (or items.size())
    std::optional<std::size_t> by_at; // index of the `by` keyword
    // Where the date SpamAssassin cuts off begins (the line's length when it cuts nothing).
    std::size_t effective_end = 0;
};

// The offset where SpamAssassin's date pattern ("; [Day, ]D Mon Y h:m[:s] ZONE" ending the
// line, with exactly one word after the time) starts; text.size() when it does not match.
std::size_t date_cut(std::string_view text);

// The authentication marker SpamAssassin would take (RFC 3848 `with ...A` protocols, HTTP
// webmail, "(authenticated ...)" comments, Postfix's "Authenticated sender", Courier's
// "AUTH:", CommuniGate accounts, ...); empty when the line shows none.
std::optional<std::string> find_auth(const LineShape& shape);

// The envelope sender in "envelope-from <...>", "(envelope-sender <...>)", "return-path ...".
std::optional<MailText> find_envelope_sender(const ScannedLine& line);

// The first " id <value>" of three characters or more.
std::optional<MailText> find_queue_id(const ScannedLine& line);

// A copy fit to store: control characters (NUL among them) become '?', and the rest is
// made valid UTF-8 (MailText).
MailText clean(std::string_view text);

} // namespace fightback::trace::detail
