// Folders and files only their owner can read, whatever the umask: fightback's data directory
// holds copies of mail (the ledger) and what it fetched for its user, so what it creates there
// is 0700 (folders) and 0600 (files), as the XDG base directory spec asks of new data folders.
#pragma once

#include <filesystem>
#include <string_view>

#include "fightback/util/error.hpp"

namespace fightback {

inline constexpr unsigned private_folder_mode = 0700;
inline constexpr unsigned private_file_mode = 0600;

// Creates `dir` and each missing folder above it with mode 0700; folders that exist are left
// as they are (they are the user's).
Expected<void> make_private_folders(const std::filesystem::path& dir);

// Writes `data` to `path` (created or truncated), leaving it 0600: a file that existed with a
// wider mode is narrowed too.
Expected<void> write_private_file(const std::filesystem::path& path, std::string_view data);

} // namespace fightback
