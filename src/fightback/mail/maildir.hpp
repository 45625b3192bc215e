// Maildir and Maildir++ folders: listing (new/ and cur/, never tmp/), file names (the unique
// part and the ":2,FLAGS" info), folders made on demand, delivery by the tmp-then-new
// protocol, and moves that never lose or duplicate a message.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/util/error.hpp"
#include "fightback/util/fd.hpp"

namespace fightback::mail {

bool is_maildir(const std::filesystem::path& folder);

// The message files of a Maildir folder, new/ then cur/, each sorted by name.
Expected<std::vector<std::filesystem::path>> list_maildir(const std::filesystem::path& folder);

// Where a message now is whose file was `was` (in new/ or cur/ of a folder): a mail reader
// renames new/NAME to cur/NAME:2,S and changes flags, keeping the unique part. The file with
// the same unique part in the same folder's new/ or cur/, if there is one.
std::optional<std::filesystem::path> find_renamed(const std::filesystem::path& was);

// ---- names ----------------------------------------------------------------------------------

// "1700000000.M12P34Q1.host:2,RS" -> unique "1700000000.M12P34Q1.host", info "2,RS",
// flags "RS". A name without ':' (as in new/) has empty info and flags.
struct MaildirName {
    std::string unique;
    std::string info;
    std::string flags;
};
MaildirName parse_maildir_name(std::string_view filename);

// A fresh unique name: "SECONDS.M<usec>P<pid>Q<n>.HOST" ('/' and ':' in HOST escaped as the
// Maildir specification asks). Unique across threads of this process and across processes.
std::string make_unique_name();

// ---- folders --------------------------------------------------------------------------------

// The Maildir++ root a folder belongs to: the parent of a ".Name" folder that sits in a
// Maildir, otherwise the folder itself.
std::filesystem::path maildir_root(const std::filesystem::path& folder);

// Where a configured destination lives: an absolute path (or "~/..." under $HOME) as given;
// a relative name (".Complained", ".Worms.Review") under `root`; "." is the root itself (the
// inbox). Names that climb out of the root ("..") or are empty are refused.
Expected<std::filesystem::path> resolve_folder(const std::filesystem::path& root,
                                               std::string_view name);

// Makes `folder` a Maildir if it is not one yet (tmp/, new/, cur/, mode 0700; missing parent
// directories too), with the empty "maildirfolder" file when it is a ".Name" subfolder of a
// Maildir (Maildir++).
// Safe when another process does the same at the same time.
Expected<void> ensure_maildir(const std::filesystem::path& folder);

// ---- delivery -------------------------------------------------------------------------------

enum class Subdir { new_mail, cur };

// A message being written into FOLDER/tmp/. Nothing is visible to mail readers until
// commit() links it into new/ (or cur/) of a folder; destroying it before that removes the
// tmp/ file. Large input can be streamed with write().
class PendingDelivery {
public:
    static Expected<PendingDelivery> create(const std::filesystem::path& folder);
    PendingDelivery(PendingDelivery&&) noexcept;
    PendingDelivery& operator=(PendingDelivery&&) = delete;
    PendingDelivery(const PendingDelivery&) = delete;
    ~PendingDelivery();

    Expected<void> write(std::string_view data);
    // fsync and close; required before commit().
    Expected<void> finish();
    const std::filesystem::path& tmp_path() const { return m_tmp_path; }
    const std::string& unique() const { return m_unique; }
    // Moves the file into DEST/new/UNIQUE (or cur/UNIQUE:2,); DEST defaults to the folder it
    // was created in and is made on demand. Across filesystems it is copied into DEST/tmp/
    // first. Returns the final path. On failure the tmp/ file is kept for a retry or removed
    // by the destructor.
    Expected<std::filesystem::path> commit(const std::filesystem::path& dest,
                                           Subdir subdir = Subdir::new_mail);
    Expected<std::filesystem::path> commit() { return commit(m_folder); }

private:
    PendingDelivery() = default;

    std::filesystem::path m_folder;
    std::filesystem::path m_tmp_path;
    std::string m_unique;
    UniqueFd m_fd;
    bool m_committed = false;
};

// The whole delivery in one call: tmp/, fsync, new/, fsync of the directory.
Expected<std::filesystem::path> deliver(const std::filesystem::path& folder,
                                        std::string_view bytes, Subdir subdir = Subdir::new_mail);

// ---- moves ----------------------------------------------------------------------------------

struct MoveResult {
    std::filesystem::path destination;
    bool copied = false;    // the folders were on different filesystems
    bool completed = false; // an earlier, interrupted move of this message was finished
};

// Moves a message file (in some folder's new/ or cur/) into the same subdirectory of
// `dest_folder`, keeping its file name (unique part and flags). Within one filesystem this is
// one rename that never replaces an existing file. Across filesystems: copy into dest tmp/,
// fsync, rename into place, then unlink the source; a move interrupted between the last two
// steps is finished by the next attempt (the identical copy is found, the source removed).
// A source that vanished is ErrorKind::not_found; a full disk is ErrorKind::temporary and
// leaves the source where it was.
Expected<MoveResult> move_message(const std::filesystem::path& message,
                                  const std::filesystem::path& dest_folder);

} // namespace fightback::mail
