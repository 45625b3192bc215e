// Listing a Maildir. Dot files are skipped: they are not messages (Maildir++ folders, locks).
#include "fightback/mail/maildir.hpp"

#include <algorithm>

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

} // namespace fightback::mail
