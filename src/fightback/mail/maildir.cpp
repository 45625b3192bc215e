// Listing a Maildir, reading and making its file names, resolving and creating folders.
// Dot files are skipped when listing: they are not messages (Maildir++ folders, locks).
#include "fightback/mail/maildir.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace fightback::mail {

bool is_maildir(const std::filesystem::path& folder)
{
    std::error_code ec;
    return std::filesystem::is_directory(folder / "cur", ec) ||
           std::filesystem::is_directory(folder / "new", ec);
}

Expected<std::vector<std::filesystem::path>> list_maildir(const std::filesystem::path& folder)
{
    if (!is_maildir(folder))
        return fail(ErrorKind::invalid,
                    fmt::format("{} is not a Maildir (no cur/ or new/)", folder.string()));
    std::vector<std::filesystem::path> out;
    for (const char* sub : {"new", "cur"}) {
        std::error_code ec;
        std::filesystem::directory_iterator it(folder / sub, ec), end;
        if (ec) {
            if (ec == std::errc::no_such_file_or_directory)
                continue;
            return fail(ErrorKind::io, fmt::format("{}: {}", (folder / sub).string(), ec.message()));
        }
        std::vector<std::filesystem::path> files;
        for (; it != end; it.increment(ec)) {
            if (ec)
                return fail(ErrorKind::io,
                            fmt::format("{}: {}", (folder / sub).string(), ec.message()));
            auto name = it->path().filename().string();
            if (name.empty() || name.front() == '.')
                continue;
            std::error_code fec;
            if (it->is_regular_file(fec))
                files.push_back(it->path());
        }
        std::ranges::sort(files);
        out.insert(out.end(), files.begin(), files.end());
    }
    return out;
}

std::optional<std::filesystem::path> find_renamed(const std::filesystem::path& was)
{
    const auto unique = parse_maildir_name(was.filename().string()).unique;
    if (unique.empty())
        return std::nullopt;
    const auto folder = was.parent_path().parent_path();
    for (const char* sub : {"new", "cur"}) {
        std::error_code ec;
        for (std::filesystem::directory_iterator it(folder / sub, ec), end; !ec && it != end;
             it.increment(ec)) {
            std::error_code fec;
            if (parse_maildir_name(it->path().filename().string()).unique == unique &&
                it->is_regular_file(fec))
                return it->path();
        }
    }
    return std::nullopt;
}

MaildirName parse_maildir_name(std::string_view filename)
{
    MaildirName name;
    const auto colon = filename.rfind(':');
    if (colon == std::string_view::npos) {
        name.unique = std::string(filename);
        return name;
    }
    name.unique = std::string(filename.substr(0, colon));
    name.info = std::string(filename.substr(colon + 1));
    if (name.info.starts_with("2,"))
        name.flags = name.info.substr(2);
    return name;
}

std::string make_unique_name()
{
    static std::atomic<unsigned long> deliveries{0};
    static const std::string host = [] {
        char buffer[256] = {};
        if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0')
            return std::string("localhost");
        std::string escaped;
        for (const char* p = buffer; *p; ++p) {
            if (*p == '/')
                escaped += "\\057";
            else if (*p == ':')
                escaped += "\\072";
            else
                escaped += *p;
        }
        return escaped;
    }();
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - seconds);
    return fmt::format("{}.M{}P{}Q{}.{}", seconds.count(), micros.count(), ::getpid(),
                       ++deliveries, host);
}

std::filesystem::path maildir_root(const std::filesystem::path& folder)
{
    auto clean = folder.lexically_normal();
    if (!clean.has_filename())
        clean = clean.parent_path();
    const auto name = clean.filename().string();
    if (name.size() > 1 && name.front() == '.' && name != ".." && is_maildir(clean.parent_path()))
        return clean.parent_path();
    return clean;
}

Expected<std::filesystem::path> resolve_folder(const std::filesystem::path& root,
                                               std::string_view name)
{
    if (name.empty())
        return fail(ErrorKind::invalid, "empty folder name");
    std::filesystem::path path;
    if (name.starts_with("~/")) {
        const char* home = std::getenv("HOME");
        if (!home || !*home)
            return fail(ErrorKind::invalid, fmt::format("{}: HOME is not set", name));
        path = std::filesystem::path(home) / name.substr(2);
    } else if (name.front() == '/') {
        path = std::filesystem::path(name);
    } else {
        const std::filesystem::path relative(name);
        for (const auto& part : relative)
            if (part == "..")
                return fail(ErrorKind::invalid,
                            fmt::format("folder {} climbs out of the Maildir", name));
        path = root / relative;
    }
    path = path.lexically_normal();
    if (!path.has_filename())
        path = path.parent_path();
    return path;
}

namespace {

Expected<void> make_directory(const std::filesystem::path& dir)
{
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0)
            return std::unexpected(errno_error("cannot stat", dir, errno));
        if (!S_ISDIR(st.st_mode))
            return fail(ErrorKind::invalid, fmt::format("{} exists and is no directory", dir.string()));
        return {};
    }
    return std::unexpected(errno_error("cannot create folder", dir, errno));
}

} // namespace

Expected<void> ensure_maildir(const std::filesystem::path& folder)
{
    std::error_code ec;
    if (std::filesystem::is_directory(folder / "tmp", ec) &&
        std::filesystem::is_directory(folder / "new", ec) &&
        std::filesystem::is_directory(folder / "cur", ec))
        return {};
    const auto parent = folder.parent_path();
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
        std::filesystem::create_directories(parent, ec);
        if (ec)
            return fail(errno_kind(ec.value()),
                        fmt::format("cannot create {}: {}", parent.string(), ec.message()));
    }
    const auto name = folder.filename().string();
    const bool subfolder = name.size() > 1 && name.front() == '.' && is_maildir(parent);
    if (auto made = make_directory(folder); !made)
        return made;
    for (const char* sub : {"tmp", "new", "cur"})
        if (auto made = make_directory(folder / sub); !made)
            return made;
    if (subfolder) {
        // Maildir++ readers (Courier, Dovecot) recognise a subfolder by this empty file.
        const auto marker = folder / "maildirfolder";
        UniqueFd fd(::open(marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
        if (!fd)
            return std::unexpected(errno_error("cannot create", marker, errno));
        if (auto closed = fd.close(marker.string()); !closed)
            return closed;
    }
    if (auto synced = fsync_directory(folder); !synced)
        return synced;
    if (!parent.empty())
        return fsync_directory(parent);
    return {};
}

} // namespace fightback::mail
