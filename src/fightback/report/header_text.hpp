// Writing header fields so that no value, wherever it came from (the reported mail, DNS, a
// registry, the config), can add a line of its own: a value holding CR, LF or another control
// character is refused, not repaired, and every value from outside is first reduced to what
// its field allows (an address, a host name, a phrase). Long values fold at spaces.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fightback/util/error.hpp"

namespace fightback::report {

// Accumulates header fields, CRLF-terminated, each checked; the first refusal sticks.
class HeaderWriter {
public:
    // Refuses names outside RFC 5322 field-name characters and values with control characters
    // (TAB allowed) or bytes outside US-ASCII; folds lines longer than 78 characters at spaces.
    HeaderWriter& add(std::string_view name, std::string_view value);
    const std::string& text() const { return m_text; }
    // Nothing when every field was accepted.
    const std::optional<Error>& error() const { return m_error; }

private:
    std::string m_text;
    std::optional<Error> m_error;
};

// Checks one header value (see HeaderWriter::add).
Expected<void> check_header_value(std::string_view name, std::string_view value);

// Free text from outside reduced to a safe single-line phrase: printable US-ASCII kept, runs
// of anything else (controls, CR/LF, 8-bit) become one space, trimmed, cut at `max` bytes.
std::string header_phrase(std::string_view text, std::size_t max = 120);

// An SMTP envelope address (reverse-path) as it may appear in Original-Mail-From: printable
// ASCII without spaces or the characters that delimit addresses, one @ with a local part and
// a host name, at most 254 bytes. Angle brackets around it are dropped. "" is the null path.
Expected<std::string> envelope_address(std::string_view raw);

// A DNS host name of LDH labels (a trailing dot dropped, lower-cased), or an error.
Expected<std::string> host_name(std::string_view raw);

// A Message-ID as found in mail, kept only when it is "<...>" with printable ASCII and no
// spaces, at most 250 bytes; otherwise nothing.
std::optional<std::string> message_id_value(std::string_view raw);

// "Name <address>": the name as an atom sequence, a quoted string, or an RFC 2047 encoded word
// when it is not ASCII. `address` must already be validated.
Expected<std::string> mailbox_field(std::string_view display_name, std::string_view address);

// Splits "Name <address>" or "address" into its display name and address (not validated).
void split_mailbox(std::string_view text, std::string& name, std::string& address);

} // namespace fightback::report
