// Text from mail is hostile: before it reaches a terminal or a header line, control
// characters are escaped so nothing can move the cursor, fake a line, or inject a header.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fightback {

// Control characters (C0, DEL, and CR/LF) become \xNN; everything else passes unchanged.
std::string printable(std::string_view text);

bool iequals(std::string_view a, std::string_view b);

// The words of a space-separated list ("a b  c" -> a, b, c) and back (joined by one space):
// how the ledger keeps lists of addresses in one column.
std::vector<std::string> split_words(std::string_view text);
std::string join_words(const std::vector<std::string>& words);

} // namespace fightback
