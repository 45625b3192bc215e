// Bounded whole-file reads.
#include "fightback/util/file.hpp"

#include <fstream>

#include <fmt/format.h>

namespace fightback {

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(ErrorKind::io, fmt::format("cannot open {}", path.string()));
    std::string data;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        data.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (data.size() > max_bytes)
            return fail(ErrorKind::limit, fmt::format("{} is larger than {} bytes",
                                                      path.string(), max_bytes));
    }
    if (in.bad())
        return fail(ErrorKind::io, fmt::format("error reading {}", path.string()));
    return data;
}

} // namespace fightback
