// errno classification and durable writes.
#include "fightback/util/fd.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>

#include <fmt/format.h>

namespace fightback {

Expected<void> UniqueFd::close(std::string_view what)
{
    const int fd = std::exchange(m_fd, -1);
    if (fd >= 0 && ::close(fd) != 0 && errno != EINTR)
        return std::unexpected(errno_error("cannot close", std::string(what), errno));
    return {};
}

ErrorKind errno_kind(int error)
{
    switch (error) {
    case ENOSPC:
    case EDQUOT:
    case EIO:
    case EAGAIN:
    case EINTR:
    case ENOMEM:
    case EMFILE:
    case ENFILE:
    case EBUSY:
    case ETIMEDOUT:
    case EROFS:
    case ESTALE:
    case ENOLCK:
        return ErrorKind::temporary;
    case ENOENT:
        return ErrorKind::not_found;
    default:
        return ErrorKind::io;
    }
}

Error errno_error(std::string_view what, const std::filesystem::path& path, int error)
{
    return Error{errno_kind(error), fmt::format("{} {}: {}", what, path.string(), std::strerror(error))};
}

Expected<void> write_all(int fd, std::string_view data, const std::filesystem::path& name)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return std::unexpected(errno_error("cannot write", name, errno));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Expected<void> fsync_directory(const std::filesystem::path& dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd)
        return std::unexpected(errno_error("cannot open directory", dir, errno));
    // Some filesystems cannot sync a directory (EINVAL); their renames are as durable as
    // they get, which is not ours to fix.
    if (::fsync(fd.get()) != 0 && errno != EINVAL)
        return std::unexpected(errno_error("cannot fsync directory", dir, errno));
    return {};
}

} // namespace fightback
