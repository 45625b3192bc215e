// Owning file descriptors and the few durable-write steps Maildir needs (write everything,
// fsync a directory), with errno turned into an Error whose kind says whether trying again
// later can help (a full disk can; a missing file cannot).
#pragma once

#include <filesystem>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "fightback/util/error.hpp"

namespace fightback {

class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other)
            reset(std::exchange(other.m_fd, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return m_fd; }
    explicit operator bool() const { return m_fd >= 0; }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }
    // close(2) can report a delayed write error (NFS); callers that care use this.
    Expected<void> close(std::string_view what);

private:
    int m_fd = -1;
};

// The kind an errno deserves: ENOSPC, EDQUOT, EIO, EAGAIN, ENOMEM, EMFILE... are temporary;
// ENOENT is not_found; the rest io.
ErrorKind errno_kind(int error);
// "WHAT PATH: strerror" with errno_kind(error).
Error errno_error(std::string_view what, const std::filesystem::path& path, int error);

// Writes all of `data`, retrying short writes and EINTR.
Expected<void> write_all(int fd, std::string_view data, const std::filesystem::path& name);
// Makes a directory's entries (a rename, a new file) durable.
Expected<void> fsync_directory(const std::filesystem::path& dir);

} // namespace fightback
