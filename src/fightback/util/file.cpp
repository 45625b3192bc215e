// Bounded whole-file reads with plain POSIX calls: one fstat to size the buffer, then reads
// until end of file (the size may change under us; the bound is checked on what was read).
#include "fightback/util/file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fightback {
namespace {

struct FdCloser {
    int fd;
    ~FdCloser()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

} // namespace

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return fail(ErrorKind::io, fmt::format("cannot open {}: {}", path.string(),
                                               std::strerror(errno)));
    FdCloser closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(ErrorKind::io, fmt::format("cannot stat {}: {}", path.string(),
                                               std::strerror(errno)));
    if (S_ISDIR(st.st_mode))
        return fail(ErrorKind::io, fmt::format("{} is a directory", path.string()));
    if (S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > max_bytes)
        return fail(ErrorKind::limit,
                    fmt::format("{} is larger than {} bytes", path.string(), max_bytes));

    std::string data;
    std::size_t used = 0;
    // One byte more than the expected size, so end of file is seen in the same pass.
    data.resize(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 65536);
    for (;;) {
        if (used == data.size()) {
            if (data.size() > max_bytes)
                break;
            data.resize(std::min(data.size() * 2, max_bytes + 1));
        }
        const ssize_t n = ::read(fd, data.data() + used, data.size() - used);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorKind::io, fmt::format("error reading {}: {}", path.string(),
                                                   std::strerror(errno)));
        }
        if (n == 0)
            break;
        used += static_cast<std::size_t>(n);
    }
    if (used > max_bytes)
        return fail(ErrorKind::limit,
                    fmt::format("{} is larger than {} bytes", path.string(), max_bytes));
    data.resize(used);
    return data;
}

} // namespace fightback
