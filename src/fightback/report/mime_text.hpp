// Byte-level helpers for writing mail: line endings made CRLF (what SMTP carries), the checks
// that decide whether a message may travel as message/rfc822 (7-bit, lines within RFC 5322's
// 998 characters, no NUL or bare CR), quoted-printable for text that is not plain ASCII, and
// finding where a message's header ends.
#pragma once

#include <string>
#include <string_view>

namespace fightback::report {

// Every line ending (LF, CRLF, or a lone CR) becomes CRLF.
std::string to_crlf(std::string_view text);
// CRLF becomes LF (for a local sendmail pipe).
std::string to_lf(std::string_view text);

// US-ASCII only, no NUL, no CR outside CRLF, no line longer than 998 characters.
bool is_7bit_clean(std::string_view text);

// Quoted-printable (RFC 2045 6.7) of `text`, whose line breaks (LF or CRLF) stay hard breaks.
std::string quoted_printable(std::string_view text);

// The header part of a message: up to (not including) the first empty line. The whole text
// when there is no empty line.
std::string_view header_part(std::string_view message);

// A message as found in a file may start with an mbox "From " line: skip it.
std::string_view without_mbox_line(std::string_view message);

// Text for a body from a hostile source: control characters other than LF and TAB, and bytes
// outside US-ASCII, become \xNN; CR is dropped.
std::string ascii_text(std::string_view text);

} // namespace fightback::report
