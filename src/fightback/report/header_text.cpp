// Header fields written defensively; the validators are strict because a refused value only
// means a field is left out, while an accepted bad one could forge a header.
#include "fightback/report/header_text.hpp"

#include <memory>

#include <fmt/format.h>
#include <glib.h>

#include "fightback/util/text.hpp"

namespace fightback::report {
namespace {

bool is_field_name_char(unsigned char c)
{
    return c >= 33 && c <= 126 && c != ':';
}

// Characters that delimit or quote addresses; never inside an envelope address we write.
bool is_address_special(unsigned char c)
{
    return c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
           c == ';' || c == ':' || c == '"' || c == '\\' || c == '[' || c == ']';
}

struct GFree {
    void operator()(gchar* p) const { g_free(p); }
};

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// RFC 5322 atext plus the space between words: a display name needing no quotes.
bool is_plain_phrase(std::string_view s)
{
    for (unsigned char c : s) {
        const bool atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || std::string_view("!#$%&'*+-/=?^_`{|}~ ").find(
                                                         static_cast<char>(c)) !=
                                                         std::string_view::npos;
        if (!atext)
            return false;
    }
    return true;
}

} // namespace

Expected<void> check_header_value(std::string_view name, std::string_view value)
{
    if (name.empty() || name.size() > 76)
        return fail(ErrorKind::invalid, "a header field name must be 1 to 76 characters");
    for (unsigned char c : name)
        if (!is_field_name_char(c))
            return fail(ErrorKind::invalid,
                        fmt::format("header field name '{}' is not allowed", printable(name)));
    for (unsigned char c : value)
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return fail(ErrorKind::invalid,
                        fmt::format("{}: the value holds a control or 8-bit character: '{}'",
                                    name, printable(value)));
    if (value.size() > 900)
        return fail(ErrorKind::limit, fmt::format("{}: the value is longer than 900 bytes", name));
    return {};
}

HeaderWriter& HeaderWriter::add(std::string_view name, std::string_view value)
{
    if (m_error)
        return *this;
    if (auto ok = check_header_value(name, value); !ok) {
        m_error = ok.error();
        return *this;
    }
    std::string line = fmt::format("{}: ", name);
    std::size_t column = line.size();
    // Fold before a space when the line would pass 78 characters; a word longer than the line
    // stays whole (the value's bound keeps it within 998).
    std::string_view rest = value;
    bool first = true;
    while (!rest.empty()) {
        auto space = rest.find(' ', 1);
        std::string_view word = rest.substr(0, space);
        if (!first && column + word.size() > 78 && word.front() == ' ') {
            line += "\r\n";
            column = 0;
        }
        line += word;
        column += word.size();
        first = false;
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    }
    line += "\r\n";
    m_text += line;
    return *this;
}

std::string header_phrase(std::string_view text, std::size_t max)
{
    std::string out;
    bool gap = false;
    for (unsigned char c : text) {
        if (c > ' ' && c < 0x7f) {
            if (gap && !out.empty())
                out += ' ';
            gap = false;
            out += static_cast<char>(c);
        } else {
            gap = true;
        }
        if (out.size() >= max)
            break;
    }
    if (out.size() > max)
        out.resize(max);
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

Expected<std::string> envelope_address(std::string_view raw)
{
    std::string_view s = trim(raw);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>')
        s = trim(s.substr(1, s.size() - 2));
    if (s.empty())
        return std::string{};
    if (s.size() > 254)
        return fail(ErrorKind::limit, "the address is longer than 254 bytes");
    auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == s.size())
        return fail(ErrorKind::invalid, fmt::format("'{}' is not an address", printable(s)));
    for (unsigned char c : s.substr(0, at))
        if (is_address_special(c))
            return fail(ErrorKind::invalid,
                        fmt::format("'{}' has a character not allowed here", printable(s)));
    auto host = host_name(s.substr(at + 1));
    if (!host)
        return fail(ErrorKind::invalid, fmt::format("'{}': {}", printable(s), host.error().message));
    return fmt::format("{}@{}", s.substr(0, at), *host);
}

Expected<std::string> host_name(std::string_view raw)
{
    std::string_view s = raw;
    if (!s.empty() && s.back() == '.')
        s.remove_suffix(1);
    if (s.empty() || s.size() > 253)
        return fail(ErrorKind::invalid, "not a host name");
    std::string out;
    std::size_t label = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '.') {
            if (label == 0 || out.back() == '-')
                return fail(ErrorKind::invalid, fmt::format("'{}' is not a host name", printable(s)));
            label = 0;
            out += '.';
            continue;
        }
        const bool ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ldh || (c == '-' && label == 0) || ++label > 63)
            return fail(ErrorKind::invalid, fmt::format("'{}' is not a host name", printable(s)));
        out += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    if (out.back() == '-')
        return fail(ErrorKind::invalid, fmt::format("'{}' is not a host name", printable(s)));
    return out;
}

std::optional<std::string> message_id_value(std::string_view raw)
{
    std::string_view s = trim(raw);
    // Some MTAs fold a long Message-ID; what is left between the brackets must be one token.
    if (s.size() < 3 || s.size() > 250 || s.front() != '<' || s.back() != '>')
        return std::nullopt;
    for (unsigned char c : s.substr(1, s.size() - 2))
        if (c <= ' ' || c >= 0x7f || c == '<' || c == '>')
            return std::nullopt;
    return std::string(s);
}

Expected<std::string> mailbox_field(std::string_view display_name, std::string_view address)
{
    std::string name = std::string(trim(display_name));
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7f)
            return fail(ErrorKind::invalid, "the display name holds a control character");
    if (name.size() > 200)
        return fail(ErrorKind::limit, "the display name is longer than 200 bytes");
    if (auto ok = check_header_value("From", address); !ok)
        return std::unexpected(ok.error());
    if (name.empty())
        return std::string(address);
    bool ascii = true;
    for (unsigned char c : name)
        ascii = ascii && c < 0x80;
    if (!ascii) {
        if (!g_utf8_validate(name.data(), static_cast<gssize>(name.size()), nullptr))
            return fail(ErrorKind::invalid, "the display name is not UTF-8");
        std::unique_ptr<gchar, GFree> b64(g_base64_encode(
            reinterpret_cast<const guchar*>(name.data()), name.size()));
        return fmt::format("=?UTF-8?B?{}?= <{}>", b64.get(), address);
    }
    if (is_plain_phrase(name))
        return fmt::format("{} <{}>", name, address);
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    return fmt::format("{} <{}>", quoted, address);
}

void split_mailbox(std::string_view text, std::string& name, std::string& address)
{
    std::string_view s = trim(text);
    auto open = s.rfind('<');
    if (open != std::string_view::npos && !s.empty() && s.back() == '>') {
        address = std::string(trim(s.substr(open + 1, s.size() - open - 2)));
        std::string_view n = trim(s.substr(0, open));
        if (n.size() >= 2 && n.front() == '"' && n.back() == '"')
            n = n.substr(1, n.size() - 2);
        name = std::string(n);
        return;
    }
    name.clear();
    address = std::string(s);
}

} // namespace fightback::report
