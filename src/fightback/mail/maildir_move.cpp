// Moving a message between Maildir folders: one rename within a filesystem, a durable copy
// then unlink across filesystems. A message is never replaced, never lost, and a move cut
// short after the copy is finished on the next attempt instead of leaving two messages.
#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/mail/maildir_io.hpp"

namespace fightback::mail {
namespace {

Error vanished(const std::filesystem::path& message)
{
    return Error{ErrorKind::not_found,
                 fmt::format("{} vanished (moved or deleted by someone else)", message.string())};
}

// The identical file already sits at the destination: an earlier move got that far.
Expected<MoveResult> finish_earlier_move(const std::filesystem::path& message,
                                         const std::filesystem::path& target, bool copied)
{
    auto same = detail::same_content(message, target);
    if (!same) {
        if (same.error().kind == ErrorKind::not_found && ::access(message.c_str(), F_OK) != 0)
            return std::unexpected(vanished(message));
        return std::unexpected(same.error());
    }
    if (!*same)
        return fail(ErrorKind::invalid,
                    fmt::format("{} already holds a different message named {}",
                                target.parent_path().string(), target.filename().string()));
    if (::unlink(message.c_str()) != 0 && errno != ENOENT)
        return std::unexpected(errno_error("cannot remove", message, errno));
    if (auto synced = fsync_directory(message.parent_path()); !synced)
        return std::unexpected(synced.error());
    return MoveResult{target, copied, true};
}

} // namespace

Expected<MoveResult> move_message(const std::filesystem::path& message,
                                  const std::filesystem::path& dest_folder)
{
    const auto sub = message.parent_path().filename() == "cur" ? "cur" : "new";
    const auto target = dest_folder / sub / message.filename();
    struct stat st {};
    if (::lstat(message.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return std::unexpected(vanished(message));
        return std::unexpected(errno_error("cannot stat", message, errno));
    }
    if (!S_ISREG(st.st_mode))
        return fail(ErrorKind::invalid, fmt::format("{} is not a message file", message.string()));
    if (auto made = ensure_maildir(dest_folder); !made)
        return std::unexpected(made.error());
    struct stat dest_st {};
    if (::stat(target.c_str(), &dest_st) == 0 && dest_st.st_dev == st.st_dev &&
        dest_st.st_ino == st.st_ino)
        return MoveResult{target, false, false}; // already where it should be

    bool cross_device = false;
    auto placed = detail::place_noreplace(message, target, &cross_device);
    if (placed) {
        if (*placed == detail::Placed::name_taken)
            return finish_earlier_move(message, target, false);
        if (auto synced = fsync_directory(target.parent_path()); !synced)
            return std::unexpected(synced.error());
        if (auto synced = fsync_directory(message.parent_path()); !synced)
            return std::unexpected(synced.error());
        return MoveResult{target, false, false};
    }
    if (!cross_device) {
        if (placed.error().kind == ErrorKind::not_found && ::access(message.c_str(), F_OK) != 0)
            return std::unexpected(vanished(message));
        return std::unexpected(placed.error());
    }

    // Another filesystem: copy into the destination's tmp/, fsync, give it its name there,
    // and only then remove the source.
    auto copy = detail::copy_into(message, dest_folder / "tmp");
    if (!copy) {
        if (copy.error().kind == ErrorKind::not_found && ::access(message.c_str(), F_OK) != 0)
            return std::unexpected(vanished(message));
        return std::unexpected(copy.error());
    }
    auto final_step = detail::place_noreplace(*copy, target, nullptr);
    if (!final_step || *final_step == detail::Placed::name_taken)
        ::unlink(copy->c_str());
    if (!final_step)
        return std::unexpected(final_step.error());
    if (*final_step == detail::Placed::name_taken)
        return finish_earlier_move(message, target, true);
    if (auto synced = fsync_directory(target.parent_path()); !synced)
        return std::unexpected(synced.error());
    if (::unlink(message.c_str()) != 0 && errno != ENOENT)
        return std::unexpected(errno_error(
            "copied to " + target.string() + " but cannot remove the original", message, errno));
    if (auto synced = fsync_directory(message.parent_path()); !synced)
        return std::unexpected(synced.error());
    return MoveResult{target, true, false};
}

} // namespace fightback::mail
