// The file steps Maildir delivery and moves share (internal to mail/): putting a file under a
// name that must not exist yet, comparing two files, copying one into another descriptor.
#pragma once

#include <filesystem>

#include "fightback/util/error.hpp"

namespace fightback::mail::detail {

enum class Placed { done, name_taken };

// Renames `from` to `to` unless `to` exists (renameat2 RENAME_NOREPLACE; link+unlink where
// the filesystem lacks it). EXDEV is returned as an error with kind io and `*cross_device`
// set, so the caller can copy instead.
Expected<Placed> place_noreplace(const std::filesystem::path& from,
                                 const std::filesystem::path& to, bool* cross_device);

// True when both name the same file or hold the same bytes.
Expected<bool> same_content(const std::filesystem::path& a, const std::filesystem::path& b);

// Copies `from` into a new file in `tmp_dir` (a fresh unique name), fsynced and closed.
// Returns its path; on failure nothing is left behind.
Expected<std::filesystem::path> copy_into(const std::filesystem::path& from,
                                          const std::filesystem::path& tmp_dir);

} // namespace fightback::mail::detail
