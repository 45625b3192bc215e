// Plain POSIX calls on the ledger's path and its -wal/-shm companions, made before SQLite opens
// the file. SQLite creates the companions with the ledger's own mode, so a ledger made 0600
// keeps its write-ahead log and index 0600 too, whatever the umask.
#include "fightback/ledger/ledger_files.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/util/fd.hpp"
#include "fightback/util/private_files.hpp"

namespace fightback::ledger::files {
namespace {

constexpr char sqlite_header[] = "SQLite format 3"; // and its NUL: 16 bytes

std::filesystem::path companion(const std::filesystem::path& path, const char* suffix)
{
    return std::filesystem::path(path.string() + suffix);
}

// Gives PATH-wal and PATH-shm the ledger's mode; they are left alone when that is not ours to
// do but they are usable as they are.
Expected<void> align_companions(const std::filesystem::path& path, mode_t ledger_mode)
{
    const mode_t want = (ledger_mode & 0777) | 0600;
    for (const char* suffix : {"-wal", "-shm"}) {
        const auto file = companion(path, suffix);
        struct stat st {};
        if (::lstat(file.c_str(), &st) != 0)
            continue; // none yet: SQLite makes it with the ledger's mode
        if (!S_ISREG(st.st_mode))
            return fail(ErrorKind::io,
                        fmt::format("{} is not a regular file: SQLite keeps the ledger's {} "
                                    "there; remove it while no fightback runs",
                                    file.string(), suffix + 1));
        if ((st.st_mode & 07777) == want || ::chmod(file.c_str(), want) == 0 || errno == ENOENT)
            continue;
        if (::access(file.c_str(), R_OK | W_OK) == 0)
            continue;
        const bool wal = suffix[1] == 'w';
        return fail(ErrorKind::io,
                    fmt::format("{} is not writable by this user (mode {:04o}, owner uid {}), so "
                                "nothing can be recorded in the ledger: {}",
                                file.string(), st.st_mode & 07777, st.st_uid,
                                wal ? "it may hold recorded changes, do not delete it; make it "
                                      "the ledger owner's again (chown, chmod 600)"
                                    : "chmod 600 it, or delete it while no fightback runs (it is "
                                      "an index SQLite rebuilds)"));
    }
    return {};
}

} // namespace

Expected<FileFacts> inspect(const std::filesystem::path& path)
{
    FileFacts facts;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return facts;
        return std::unexpected(errno_error("cannot look at the ledger", path, errno));
    }
    if (!S_ISREG(st.st_mode))
        return std::unexpected(
            not_a_ledger(path, S_ISDIR(st.st_mode) ? "a folder" : "not a regular file"));
    facts.mode = st.st_mode & 07777;
    facts.owner = st.st_uid;
    if (st.st_size == 0) {
        facts.found = Found::empty;
        return facts;
    }
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd)
        return std::unexpected(errno_error("cannot read the ledger", path, errno));
    char header[sizeof sqlite_header] = {};
    std::size_t have = 0;
    while (have < sizeof header) {
        const ssize_t n = ::read(fd.get(), header + have, sizeof header - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::unexpected(errno_error("cannot read the ledger", path, errno));
        if (n == 0)
            break;
        have += static_cast<std::size_t>(n);
    }
    facts.found = have == sizeof header && std::memcmp(header, sqlite_header, sizeof header) == 0
                      ? Found::sqlite
                      : Found::other;
    return facts;
}

Expected<FileFacts> prepare_to_write(const std::filesystem::path& path)
{
    if (path.has_parent_path())
        if (auto r = make_private_folders(path.parent_path()); !r)
            return std::unexpected(r.error());
    {
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                           private_file_mode));
        if (fd) {
            if (::fchmod(fd.get(), private_file_mode) != 0)
                return std::unexpected(errno_error("cannot set the mode of", path, errno));
        } else if (errno != EEXIST) {
            return std::unexpected(errno_error("cannot create the ledger", path, errno));
        }
    }
    auto facts = inspect(path);
    if (!facts)
        return facts;
    if (facts->found == Found::missing)
        return fail(ErrorKind::temporary,
                    fmt::format("the ledger {} vanished while it was being opened", path.string()));
    if (facts->found == Found::other)
        return std::unexpected(not_a_ledger(path, "not an SQLite database"));
    if (::access(path.c_str(), W_OK) != 0) {
        const int e = errno;
        return fail(e == EROFS ? ErrorKind::temporary : ErrorKind::io,
                    fmt::format("cannot write the ledger {} (mode {:04o}): {}; this command "
                                "records in it{}",
                                path.string(), facts->mode, std::strerror(e),
                                e == EACCES ? fmt::format(": chmod 600 {}", path.string())
                                            : std::string()));
    }
    if (auto r = align_companions(path, facts->mode); !r)
        return std::unexpected(r.error());
    return facts;
}

Error not_a_ledger(const std::filesystem::path& path, std::string_view why)
{
    return Error{ErrorKind::invalid,
                 fmt::format("{} is not a fightback ledger ({})", path.string(), why)};
}

std::string read_only_uri(const std::filesystem::path& path, bool immutable)
{
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    if (ec)
        absolute = path;
    std::string uri = "file://";
    for (const char c : absolute.string()) {
        if (c == '%' || c == '?' || c == '#')
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        else
            uri += c;
    }
    uri += immutable ? "?mode=ro&immutable=1" : "?mode=ro";
    return uri;
}

bool wal_pending(const std::filesystem::path& path)
{
    struct stat st {};
    return ::stat(companion(path, "-wal").c_str(), &st) == 0 && st.st_size > 0;
}

std::optional<std::string> permission_warning(const std::filesystem::path& path,
                                              const FileFacts& facts)
{
    if (facts.found == Found::missing || facts.owner != ::geteuid() || (facts.mode & 077) == 0)
        return std::nullopt;
    std::string fix = path.string();
    for (const char* suffix : {"-wal", "-shm"}) {
        struct stat st {};
        const auto file = companion(path, suffix);
        if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
            fix += " " + file.string();
    }
    return fmt::format("the ledger {} is open to other users (mode {:04o}) and holds whole "
                       "messages: chmod 600 {}",
                       path.string(), facts.mode, fix);
}

} // namespace fightback::ledger::files
