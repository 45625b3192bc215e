// Reading an mbox file, one message at a time (read-only: fightback never rewrites an mbox).
// Messages are split on "From " lines that start the file or follow an empty line; body lines
// quoted as ">From " (any number of '>') lose one '>' (mboxrd), which also reads mboxo files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::mail {

struct MboxMessage {
    std::size_t index = 0;     // 0-based position in the file
    std::uint64_t offset = 0;  // where its "From " line starts
    std::string from_line;     // the separator, without the newline
    std::string bytes;         // the message as it was before quoting, separator excluded
};

// True when the file starts with a "From " line (how mbox files are recognised).
bool looks_like_mbox(const std::filesystem::path& path);

class MboxReader {
public:
    static Expected<MboxReader> open(const std::filesystem::path& path,
                                     std::size_t max_message_bytes = 64u << 20);

    // The next message, std::nullopt at the end. A message larger than the limit is an
    // ErrorKind::limit error and is skipped: the next call continues with the one after it.
    // A read error ends the file.
    Expected<std::optional<MboxMessage>> next();

private:
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    bool read_line();

    std::filesystem::path m_path;
    std::unique_ptr<std::FILE, FileCloser> m_file;
    std::size_t m_max_bytes = 0;
    std::vector<char> m_buffer;
    std::size_t m_buffer_pos = 0;
    std::size_t m_buffer_end = 0;
    std::string m_line;         // the current line, newline included
    std::uint64_t m_line_offset = 0;
    std::uint64_t m_offset = 0; // of the next line
    bool m_have_line = false;
    bool m_failed = false;
    std::size_t m_index = 0;
};

} // namespace fightback::mail
