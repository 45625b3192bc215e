// Parses one Received header value into a Hop. Recognises the formats real MTAs write
// (Postfix, Sendmail, Exim, qmail, Exchange/Office 365, Google, SMTPSVC, Courier, MDaemon,
// CommuniGate, Domino, Yahoo, OpenSMTPD, ecelerity, generic forms) with a tokenizer, not a
// pile of regexes. Never throws; cost is linear in the (bounded) input length.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "fightback/trace/hop.hpp"

namespace fightback::trace {

// Values longer than this are cut before parsing; the cut is reported in Hop::reason.
inline constexpr std::size_t max_received_length = 8192;

// `value` is the header's value (after "Received:"), folded or not.
Hop parse_received(std::string_view value);
// The same into `hop`, which must be new (default-made): a trace parses its lines straight
// into its vector of hops.
void parse_received(std::string_view value, Hop& hop);

// An RFC 5322 date-time (lenient, as MTAs write them) to seconds since the epoch, UTC.
std::optional<std::int64_t> parse_mail_date(std::string_view text);

} // namespace fightback::trace
