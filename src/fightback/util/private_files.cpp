// mkdir and open with the private modes, then chmod: the umask can only take bits away, and a
// umask like 0277 would take the owner's own; the explicit chmod makes the mode exact.
#include "fightback/util/private_files.hpp"

#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>

#include "fightback/util/fd.hpp"

namespace fightback {

Expected<void> make_private_folders(const std::filesystem::path& dir)
{
    std::vector<std::filesystem::path> missing;
    for (auto p = dir; !p.empty(); p = p.parent_path()) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0)
            break;
        if (errno != ENOENT)
            return std::unexpected(errno_error("cannot look at", p, errno));
        missing.push_back(p);
        if (p == p.parent_path())
            break;
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), private_folder_mode) != 0) {
            if (errno == EEXIST) // made meanwhile by someone else: theirs to keep as it is
                continue;
            return std::unexpected(errno_error("cannot create the folder", *it, errno));
        }
        if (::chmod(it->c_str(), private_folder_mode) != 0)
            return std::unexpected(errno_error("cannot set the mode of", *it, errno));
    }
    return {};
}

Expected<void> write_private_file(const std::filesystem::path& path, std::string_view data)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                       private_file_mode));
    if (!fd)
        return std::unexpected(errno_error("cannot create", path, errno));
    if (::fchmod(fd.get(), private_file_mode) != 0)
        return std::unexpected(errno_error("cannot set the mode of", path, errno));
    if (auto r = write_all(fd.get(), data, path); !r)
        return r;
    return fd.close(path.string());
}

} // namespace fightback
