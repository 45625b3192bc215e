// Never-replace renames, content comparison and durable copies for Maildir.
#include "fightback/mail/maildir_io.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/util/fd.hpp"

namespace fightback::mail::detail {

Expected<Placed> place_noreplace(const std::filesystem::path& from,
                                 const std::filesystem::path& to, bool* cross_device)
{
    if (cross_device)
        *cross_device = false;
    int error = 0;
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return Placed::done;
    error = errno;
    if (error == EINVAL || error == ENOSYS) {
        // No RENAME_NOREPLACE here: link(2) refuses an existing name just the same, and for
        // a moment the file has two names, which the unlink ends.
        if (::link(from.c_str(), to.c_str()) == 0) {
            if (::unlink(from.c_str()) != 0 && errno != ENOENT)
                return std::unexpected(errno_error("cannot remove", from, errno));
            return Placed::done;
        }
        error = errno;
        if (error == EPERM || error == EOPNOTSUPP) {
            // A filesystem without hard links: check, then rename (a small race remains).
            struct stat st {};
            if (::lstat(to.c_str(), &st) == 0)
                return Placed::name_taken;
            if (::rename(from.c_str(), to.c_str()) == 0)
                return Placed::done;
            error = errno;
        }
    }
    if (error == EEXIST)
        return Placed::name_taken;
    if (error == EXDEV && cross_device)
        *cross_device = true;
    return std::unexpected(errno_error("cannot rename", from, error));
}

Expected<bool> same_content(const std::filesystem::path& a, const std::filesystem::path& b)
{
    UniqueFd fa(::open(a.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fa)
        return std::unexpected(errno_error("cannot open", a, errno));
    UniqueFd fb(::open(b.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fb)
        return std::unexpected(errno_error("cannot open", b, errno));
    struct stat sa {}, sb {};
    if (::fstat(fa.get(), &sa) != 0)
        return std::unexpected(errno_error("cannot stat", a, errno));
    if (::fstat(fb.get(), &sb) != 0)
        return std::unexpected(errno_error("cannot stat", b, errno));
    if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
        return true;
    if (sa.st_size != sb.st_size)
        return false;
    std::array<char, 65536> ba, bb;
    for (;;) {
        const ssize_t na = ::read(fa.get(), ba.data(), ba.size());
        if (na < 0)
            return std::unexpected(errno_error("cannot read", a, errno));
        std::size_t got = 0;
        while (got < static_cast<std::size_t>(na)) {
            const ssize_t nb = ::read(fb.get(), bb.data() + got, static_cast<std::size_t>(na) - got);
            if (nb < 0)
                return std::unexpected(errno_error("cannot read", b, errno));
            if (nb == 0)
                return false;
            got += static_cast<std::size_t>(nb);
        }
        if (std::memcmp(ba.data(), bb.data(), got) != 0)
            return false;
        if (na == 0)
            return true;
    }
}

Expected<std::filesystem::path> copy_into(const std::filesystem::path& from,
                                          const std::filesystem::path& tmp_dir)
{
    UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!in)
        return std::unexpected(errno_error("cannot open", from, errno));
    const auto target = tmp_dir / make_unique_name();
    UniqueFd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out)
        return std::unexpected(errno_error("cannot create", target, errno));
    auto cleanup = [&](Error error) -> Expected<std::filesystem::path> {
        out.reset();
        ::unlink(target.c_str());
        return std::unexpected(std::move(error));
    };
    std::array<char, 65536> buffer;
    for (;;) {
        const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return cleanup(errno_error("cannot read", from, errno));
        }
        if (n == 0)
            break;
        if (auto written = write_all(out.get(), {buffer.data(), static_cast<std::size_t>(n)}, target);
            !written)
            return cleanup(written.error());
    }
    if (::fsync(out.get()) != 0)
        return cleanup(errno_error("cannot fsync", target, errno));
    if (auto closed = out.close(target.string()); !closed)
        return cleanup(closed.error());
    return target;
}

} // namespace fightback::mail::detail
