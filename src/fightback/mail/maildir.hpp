// Maildir folders: which files are messages (new/ and cur/, not tmp/).
#pragma once

#include <filesystem>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::mail {

bool is_maildir(const std::filesystem::path& folder);

// The message files of a Maildir folder, new/ then cur/, each sorted by name.
Expected<std::vector<std::filesystem::path>> list_maildir(const std::filesystem::path& folder);

} // namespace fightback::mail
