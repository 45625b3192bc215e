// mbox splitting with stdio line reads: memory stays bounded by the largest message allowed.
#include "fightback/mail/mbox.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fightback::mail {
namespace {

bool is_separator(std::string_view line)
{
    return line.starts_with("From ");
}

bool is_empty_line(std::string_view line)
{
    return line == "\n" || line == "\r\n";
}

// ">From ", ">>From " ... lose one '>'.
std::string_view unquoted(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] == '>')
        ++i;
    if (i > 0 && line.substr(i).starts_with("From "))
        return line.substr(1);
    return line;
}

} // namespace

bool looks_like_mbox(const std::filesystem::path& path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!file)
        return false;
    char head[5];
    return std::fread(head, 1, sizeof head, file.get()) == sizeof head &&
           std::memcmp(head, "From ", 5) == 0;
}

Expected<MboxReader> MboxReader::open(const std::filesystem::path& path,
                                      std::size_t max_message_bytes)
{
    MboxReader reader;
    reader.m_path = path;
    reader.m_max_bytes = max_message_bytes;
    reader.m_buffer.resize(65536);
    reader.m_file.reset(std::fopen(path.c_str(), "rb"));
    if (!reader.m_file)
        return fail(errno == ENOENT ? ErrorKind::not_found : ErrorKind::io,
                    fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)));
    reader.m_have_line = reader.read_line();
    if (reader.m_failed)
        return fail(ErrorKind::io, fmt::format("error reading {}", path.string()));
    if (reader.m_have_line && !is_separator(reader.m_line))
        return fail(ErrorKind::parse,
                    fmt::format("{} is not an mbox (no \"From \" line at the start)", path.string()));
    return reader;
}

bool MboxReader::read_line()
{
    m_line.clear();
    m_line_offset = m_offset;
    // A line longer than any message we accept is kept only in part: the message it belongs
    // to is refused anyway, and a hostile file must not make us allocate its size.
    const std::size_t keep = m_max_bytes + 2;
    for (;;) {
        if (m_buffer_pos == m_buffer_end) {
            m_buffer_pos = 0;
            m_buffer_end = std::fread(m_buffer.data(), 1, m_buffer.size(), m_file.get());
            if (m_buffer_end == 0) {
                if (std::ferror(m_file.get()))
                    m_failed = true;
                return m_offset != m_line_offset;
            }
        }
        const char* start = m_buffer.data() + m_buffer_pos;
        const std::size_t available = m_buffer_end - m_buffer_pos;
        const void* nl = std::memchr(start, '\n', available);
        const std::size_t take =
            nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - start) + 1 : available;
        if (m_line.size() < keep)
            m_line.append(start, std::min(take, keep - m_line.size()));
        m_buffer_pos += take;
        m_offset += take;
        if (nl)
            return true;
    }
}

Expected<std::optional<MboxMessage>> MboxReader::next()
{
    if (m_failed || !m_have_line)
        return std::optional<MboxMessage>{};
    MboxMessage msg;
    msg.index = m_index++;
    msg.offset = m_line_offset;
    msg.from_line = m_line;
    while (!msg.from_line.empty() && (msg.from_line.back() == '\n' || msg.from_line.back() == '\r'))
        msg.from_line.pop_back();
    bool too_large = false;
    bool pending_empty = false; // an empty line is held back: it may precede a separator
    std::string pending;
    for (;;) {
        m_have_line = read_line();
        if (m_failed)
            return fail(ErrorKind::io, fmt::format("error reading {}", m_path.string()));
        if (!m_have_line)
            break;
        if (pending_empty && is_separator(m_line))
            break;
        if (pending_empty && !too_large)
            msg.bytes += pending;
        pending_empty = is_empty_line(m_line);
        if (pending_empty) {
            pending = m_line;
            continue;
        }
        if (too_large)
            continue;
        msg.bytes += unquoted(m_line);
        if (msg.bytes.size() > m_max_bytes) {
            too_large = true;
            msg.bytes.clear();
            msg.bytes.shrink_to_fit();
        }
    }
    if (too_large)
        return fail(ErrorKind::limit, fmt::format("{}: message {} is larger than {} bytes",
                                                  m_path.string(), msg.index + 1, m_max_bytes));
    return std::optional<MboxMessage>{std::move(msg)};
}

} // namespace fightback::mail
