// Text from mail is hostile: before it reaches a terminal or a header line, control
// characters are escaped so nothing can move the cursor, fake a line, or inject a header.
#pragma once

#include <string>
#include <string_view>

namespace fightback {

// Control characters (C0, DEL, and CR/LF) become \xNN; everything else passes unchanged.
std::string printable(std::string_view text);

bool iequals(std::string_view a, std::string_view b);

} // namespace fightback
