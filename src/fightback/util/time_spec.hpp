// Times a user types: a span ("3d", "12h", "90m", "2w", "45s", or plain seconds) and a point
// (a span back from now, or a calendar date "2026-11-30", "2026-11-30T08:00", with an
// optional "Z"; calendar times are UTC). Used by `scan --since` and the age settings.
#pragma once

#include <cstdint>
#include <string_view>

#include "fightback/util/error.hpp"

namespace fightback::util {

// Seconds in a span; an error names what was wrong.
Expected<std::int64_t> parse_span(std::string_view text);

// Seconds since the epoch for a date, or for `now` minus a span.
Expected<std::int64_t> parse_time_point(std::string_view text, std::int64_t now);

} // namespace fightback::util
