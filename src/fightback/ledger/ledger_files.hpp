// The ledger's files on disk, looked at before SQLite is let near them: what a path holds (so a
// mail file given by mistake is never turned into a database), the private folder and file a
// command that records creates, the modes of the -wal and -shm files SQLite keeps beside the
// ledger, and the warning for a ledger other users can read.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "fightback/util/error.hpp"

namespace fightback::ledger::files {

enum class Found {
    missing,
    empty,  // a file of no bytes: SQLite's empty database (nothing recorded yet)
    sqlite, // starts with SQLite's header
    other,  // anything else: not a ledger
};

struct FileFacts {
    Found found = Found::missing;
    mode_t mode = 0; // the permission bits
    uid_t owner = 0;
};

// What is at `path`, reading its first bytes; never creates anything. An error when it cannot
// be looked at or read (a folder or a file this user may not read).
Expected<FileFacts> inspect(const std::filesystem::path& path);

// For a command that records: the folders (0700) and the ledger (0600) are made when missing;
// an existing ledger must be SQLite's and writable by this user (a clear error otherwise, before
// SQLite makes a -shm file it could not use later); a -wal or -shm file whose mode differs from
// the ledger's is given the ledger's mode (a -shm left read-only by a read-only ledger would
// stop every later run).
Expected<FileFacts> prepare_to_write(const std::filesystem::path& path);

// "X is not a fightback ledger (WHY)", ErrorKind::invalid.
Error not_a_ledger(const std::filesystem::path& path, std::string_view why);

// The URI opening `path` read-only (mode=ro), or `immutable` (no locks, no -wal or -shm: when
// no write-ahead log is pending).
std::string read_only_uri(const std::filesystem::path& path, bool immutable);

// True when PATH-wal exists and holds something (changes not yet in the ledger file).
bool wal_pending(const std::filesystem::path& path);

// The line to warn with when the ledger, which holds whole messages, is open to other users,
// with the chmod that fixes it; std::nullopt when it is private or not this user's.
std::optional<std::string> permission_warning(const std::filesystem::path& path,
                                              const FileFacts& facts);

} // namespace fightback::ledger::files
