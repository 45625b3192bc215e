// Loading messages: bounded reads, an mbox "From " line tolerated, our own split of the header
// into fields (one pass, raw form kept as evidence; GMime's full message construction costs ten
// times as much and trace needs none of it), GMime for RFC 2047 and the MIME structure.
#include "fightback/mail/message.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <mutex>

#include <fmt/format.h>
#include <strings.h>

#include "fightback/mail/gmime_handle.hpp"
#include "fightback/util/file.hpp"

namespace fightback::mail {

void ensure_gmime()
{
    static std::once_flag once;
    std::call_once(once, [] { g_mime_init(); });
}

namespace {

struct GFreeDeleter {
    void operator()(void* p) const { g_free(p); }
};

struct ParserOptionsDeleter {
    void operator()(GMimeParserOptions* p) const { g_mime_parser_options_free(p); }
};

std::string_view trim_leading(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    return s;
}

// In place: a field's strings are made once, at their final capacity.
void trim_trailing(std::string& s)
{
    std::size_t end = s.size();
    while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' ' ||
                       s[end - 1] == '\t'))
        --end;
    s.resize(end);
}

// The bytes of the continuation lines (led by WSP) that follow `pos`.
std::size_t continuation_length(std::string_view all, std::size_t pos)
{
    std::size_t end = pos;
    while (end < all.size() && (all[end] == ' ' || all[end] == '\t')) {
        const auto nl = all.find('\n', end);
        end = nl == std::string_view::npos ? all.size() : nl + 1;
    }
    return end - pos;
}

const char* warning_text(GMimeParserWarning code)
{
    switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER: return "duplicated header";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded 8-bit header";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid Content-Type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid RFC 2047 encoded word";
    case GMIME_WARN_MALFORMED_MULTIPART: return "malformed multipart";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated message";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed message";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting header";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart without boundary";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid address list";
    case GMIME_CRIT_NESTING_OVERFLOW: return "MIME nesting too deep";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part without headers or content";
    }
    return "malformed input";
}

struct WarningSink {
    std::vector<std::string>* warnings;
    int count = 0;
};

void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer data)
{
    auto* sink = static_cast<WarningSink*>(data);
    // Hostile mail can raise thousands of warnings; a few tell the story.
    if (++sink->count > 20)
        return;
    std::string what = warning_text(code);
    if (item && *item)
        what += fmt::format(" ({:.60})", item);
    sink->warnings->push_back(fmt::format("offset {}: {}", offset, what));
}

// Printable US-ASCII but colon, as a table: every field name is scanned with it.
constexpr auto field_name_chars = [] {
    std::array<bool, 256> table{};
    for (int c = 33; c <= 126; ++c)
        table[static_cast<std::size_t>(c)] = c != ':';
    return table;
}();

bool is_field_name_char(unsigned char c)
{
    return field_name_chars[c];
}

struct FieldStart {
    std::size_t name_end; // the name is line[0, name_end)
    std::size_t colon;
};

// Where a field's name ends and its colon is (obsolete WSP between them allowed), or nothing
// when the line is not a field: RFC 5322 names are printable US-ASCII without colon.
std::optional<FieldStart> field_start(std::string_view line)
{
    std::size_t i = 0;
    while (i < line.size() && is_field_name_char(static_cast<unsigned char>(line[i])))
        ++i;
    std::size_t name_end = i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
    if (name_end == 0 || i >= line.size() || line[i] != ':')
        return std::nullopt;
    return FieldStart{name_end, i};
}

} // namespace

std::string decode_header_text(std::string_view unfolded)
{
    if (unfolded.find("=?") == std::string_view::npos)
        return std::string(unfolded);
    ensure_gmime();
    std::string text(unfolded); // GMime wants a C string
    std::unique_ptr<char, GFreeDeleter> decoded(g_mime_utils_header_decode_text(nullptr, text.c_str()));
    return decoded ? std::string(decoded.get()) : text;
}

Expected<Message> Message::load_file(const std::filesystem::path& path, const LoadLimits& limits)
{
    auto data = read_file(path, limits.max_message_bytes);
    if (!data)
        return std::unexpected(data.error());
    return from_bytes(std::move(*data), limits);
}

Expected<Message> Message::load_stdin(const LoadLimits& limits)
{
    std::string data;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
        data.append(buffer, n);
        if (data.size() > limits.max_message_bytes)
            return fail(ErrorKind::limit,
                        fmt::format("standard input is larger than {} bytes",
                                    limits.max_message_bytes));
    }
    if (std::ferror(stdin))
        return fail(ErrorKind::io, "error reading standard input");
    return from_bytes(std::move(data), limits);
}

Expected<Message> Message::from_bytes(std::string bytes, const LoadLimits& limits)
{
    if (bytes.size() > limits.max_message_bytes)
        return fail(ErrorKind::limit,
                    fmt::format("message is larger than {} bytes", limits.max_message_bytes));
    Message msg;
    msg.m_bytes = std::move(bytes);
    std::string_view all = msg.m_bytes;

    // An mbox separator line is not a header field.
    if (all.starts_with("From ")) {
        auto nl = all.find('\n');
        msg.m_header_start = nl == std::string_view::npos ? all.size() : nl + 1;
    }
    msg.split_header(limits.max_header_fields);
    for (auto& field : msg.m_headers) {
        trim_trailing(field.raw);
        trim_trailing(field.unfolded);
    }
    if (limits.headers_only)
        return msg;

    // The MIME structure, for the stages that look into the body.
    ensure_gmime();
    std::string_view rest = all.substr(msg.m_header_start);
    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(rest.data(), rest.size()));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    std::unique_ptr<GMimeParserOptions, ParserOptionsDeleter> options(
        g_mime_parser_options_new());
    WarningSink sink{&msg.m_warnings};
    g_mime_parser_options_set_warning_callback(options.get(), on_parser_warning, &sink);
    msg.m_mime.reset(g_mime_parser_construct_message(parser.get(), options.get()));
    if (sink.count > 20)
        msg.m_warnings.push_back(fmt::format("{} more MIME warnings", sink.count - 20));
    if (!msg.m_mime)
        msg.m_warnings.push_back("GMime could not parse the MIME structure");
    return msg;
}

// Splits the header into fields the way mail software reads it: a field per line, WSP-led
// lines continue it; the header ends at an empty line, at a MIME boundary line, or at the
// fourth line that is no field (as SpamAssassin does, so both see the same Received lines).
void Message::split_header(std::size_t max_fields)
{
    std::string_view all = m_bytes;
    std::size_t pos = m_header_start;
    int bad_lines = 0;
    bool dropped = false;
    // Found once, with one memchr over the message, rather than with a call on every line.
    const std::size_t first_nul = all.find('\0', pos);
    bool nul_seen = false;
    HeaderField* current = nullptr;
    m_header_end = all.size();
    m_headers.reserve(32); // most messages have fewer: the vector rarely moves its fields
    while (pos < all.size()) {
        auto nl = all.find('\n', pos);
        std::size_t next = nl == std::string_view::npos ? all.size() : nl + 1;
        std::string_view line = all.substr(pos, next - pos);
        std::string_view content = line;
        while (!content.empty() && (content.back() == '\n' || content.back() == '\r'))
            content.remove_suffix(1);
        if (!nul_seen && first_nul < next) {
            nul_seen = true;
            m_warnings.push_back("NUL bytes in the header");
        }
        if (content.empty()) {
            m_header_end = pos;
            return;
        }
        if (content.front() == ' ' || content.front() == '\t') {
            if (current) {
                current->raw += '\n';
                current->raw += content;
                // Leading blanks are trimmed from the value, also where it starts on a
                // continuation line.
                current->unfolded += current->unfolded.empty() ? trim_leading(content) : content;
            } else if (!dropped) {
                m_warnings.push_back("the header starts with a continuation line");
            }
            pos = next;
            continue;
        }
        if (content.starts_with("--")) {
            m_warnings.push_back("no empty line between header and body");
            m_header_end = pos;
            return;
        }
        const auto start = field_start(content);
        if (!start) {
            current = nullptr;
            if (++bad_lines > 3) {
                m_warnings.push_back("the header ends at a line that is not a field");
                m_header_end = pos;
                return;
            }
            m_warnings.push_back(fmt::format("not a header field: '{:.40}'", content));
            pos = next;
            continue;
        }
        if (m_headers.size() >= max_fields) {
            if (!dropped)
                m_warnings.push_back(
                    fmt::format("more than {} header fields; the rest are not read", max_fields));
            dropped = true;
            current = nullptr;
            pos = next;
            continue;
        }
        const std::string_view value = trim_leading(content.substr(start->colon + 1));
        current = &m_headers.emplace_back();
        current->name = content.substr(0, start->name_end);
        // Room for the continuation lines too, so that appending them does not reallocate.
        const std::size_t room = value.size() + continuation_length(all, next);
        current->raw.reserve(room);
        current->raw = value;
        current->unfolded.reserve(room);
        current->unfolded = value;
        pos = next;
    }
    if (current == nullptr && m_headers.empty())
        m_warnings.push_back("the message has no header");
}

std::vector<const HeaderField*> Message::fields(std::string_view name) const
{
    auto matches = [&](const HeaderField& h) {
        return h.name.size() == name.size() &&
               strncasecmp(h.name.data(), name.data(), name.size()) == 0;
    };
    // Counted first: one allocation rather than one per doubling.
    std::vector<const HeaderField*> out;
    out.reserve(static_cast<std::size_t>(std::ranges::count_if(m_headers, matches)));
    for (const auto& h : m_headers)
        if (matches(h))
            out.push_back(&h);
    return out;
}

std::optional<std::string> Message::header(std::string_view name) const
{
    auto found = fields(name);
    if (found.empty())
        return std::nullopt;
    return decode_header_text(found.front()->unfolded);
}

std::string_view Message::header_block() const
{
    return std::string_view(m_bytes).substr(m_header_start, m_header_end - m_header_start);
}

} // namespace fightback::mail
