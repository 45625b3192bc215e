// Loading messages: bounded reads, an mbox "From " line tolerated, GMime for the header
// syntax and RFC 2047, and our own unfolding so the raw form stays available for complaints.
#include "fightback/mail/message.hpp"

#include <cstdio>
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

std::string unfold(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')
            continue;
        if (c == '\n')
            continue; // the following WSP (if any) stays, as RFC 5322 unfolding says
        out += c;
    }
    return out;
}

std::string_view trim_ends(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' ||
                          s.back() == '\t'))
        s.remove_suffix(1);
    return s;
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

// Where the header block ends: the first empty line, or the end of the input.
std::size_t find_header_end(std::string_view bytes, std::size_t start)
{
    std::size_t pos = start;
    while (pos < bytes.size()) {
        if (bytes[pos] == '\n')
            return pos; // the message starts with an empty line: no header at all
        if (bytes[pos] == '\r' && pos + 1 < bytes.size() && bytes[pos + 1] == '\n')
            return pos;
        auto nl = bytes.find('\n', pos);
        if (nl == std::string_view::npos)
            return bytes.size();
        pos = nl + 1;
    }
    return bytes.size();
}

} // namespace

Expected<Message> Message::load_file(const std::filesystem::path& path, const LoadLimits& limits)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail(ErrorKind::io, fmt::format("{} is a directory", path.string()));
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
    ensure_gmime();
    Message msg;
    msg.m_bytes = std::move(bytes);
    std::string_view all = msg.m_bytes;

    // An mbox separator line is not a header; GMime would stop at it.
    if (all.starts_with("From ")) {
        auto nl = all.find('\n');
        msg.m_header_start = nl == std::string_view::npos ? all.size() : nl + 1;
    }
    msg.m_header_end = find_header_end(all, msg.m_header_start);
    if (all.find('\0', msg.m_header_start) < msg.m_header_end)
        msg.m_warnings.push_back("NUL bytes in the header; values are cut at them");
    if (msg.m_header_end == msg.m_header_start)
        msg.m_warnings.push_back("the message has no header");

    // Trace and the header command need only the header block; the body costs time.
    std::string_view to_parse = limits.headers_only
                                    ? all.substr(msg.m_header_start,
                                                 msg.m_header_end - msg.m_header_start)
                                    : all.substr(msg.m_header_start);
    GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(to_parse.data(),
                                                                     to_parse.size()));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    std::unique_ptr<GMimeParserOptions, ParserOptionsDeleter> options(
        g_mime_parser_options_new());
    WarningSink sink{&msg.m_warnings};
    g_mime_parser_options_set_warning_callback(options.get(), on_parser_warning, &sink);
    GObjectPtr<GMimeMessage> parsed(g_mime_parser_construct_message(parser.get(), options.get()));
    if (sink.count > 20)
        msg.m_warnings.push_back(fmt::format("{} more parser warnings", sink.count - 20));
    if (!parsed) {
        msg.m_warnings.push_back("GMime could not parse the message; no header fields read");
        return msg;
    }

    GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(parsed.get()));
    int count = list ? g_mime_header_list_get_count(list) : 0;
    if (static_cast<std::size_t>(count) > limits.max_header_fields) {
        msg.m_warnings.push_back(fmt::format("{} header fields; only the first {} are read",
                                             count, limits.max_header_fields));
        count = static_cast<int>(limits.max_header_fields);
    }
    msg.m_headers.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        const char* name = g_mime_header_get_name(header);
        const char* raw = g_mime_header_get_raw_value(header);
        HeaderField field;
        field.name = name ? name : "";
        field.raw = std::string(trim_ends(raw ? raw : ""));
        field.unfolded = std::string(trim_ends(unfold(field.raw)));
        std::unique_ptr<char, GFreeDeleter> decoded(
            g_mime_utils_header_decode_text(options.get(), field.unfolded.c_str()));
        field.decoded = decoded ? decoded.get() : field.unfolded;
        msg.m_headers.push_back(std::move(field));
    }
    return msg;
}

std::vector<const HeaderField*> Message::fields(std::string_view name) const
{
    std::vector<const HeaderField*> out;
    for (const auto& h : m_headers)
        if (h.name.size() == name.size() &&
            strncasecmp(h.name.data(), name.data(), name.size()) == 0)
            out.push_back(&h);
    return out;
}

std::optional<std::string> Message::header(std::string_view name) const
{
    auto found = fields(name);
    if (found.empty())
        return std::nullopt;
    return found.front()->decoded;
}

std::string_view Message::header_block() const
{
    return std::string_view(m_bytes).substr(m_header_start, m_header_end - m_header_start);
}

} // namespace fightback::mail
