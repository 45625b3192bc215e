// UTF-8 as fightback keeps text from outside: whatever bytes a message, a DNS answer or a
// registry sent, what is stored and printed is valid UTF-8 with no NUL. Each ill-formed
// sequence (a maximal subpart, as Unicode's "U+FFFD substitution of maximal subparts" says)
// becomes one U+FFFD; NUL becomes U+FFFD too, so nothing silently disappears.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fightback::utf8 {

inline constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

// The length of the well-formed sequence starting at text[at] (1 to 4), or 0 when the bytes
// there are ill-formed; `*bad` then receives how many bytes form the maximal subpart to
// replace (at least 1).
std::size_t sequence_length(std::string_view text, std::size_t at, std::size_t* bad);

// Well-formed UTF-8 and no NUL byte.
bool is_clean(std::string_view text);

// `text` appended to `out` with every ill-formed sequence and every NUL replaced.
void append_clean(std::string& out, std::string_view text);
std::string clean(std::string_view text);

// Cuts `text` to at most `max_bytes` without splitting a multi-byte character.
std::string_view truncate(std::string_view text, std::size_t max_bytes);

} // namespace fightback::utf8
