// Line endings, 7-bit checks and quoted-printable, written for the report's own needs.
#include "fightback/report/mime_text.hpp"

#include <fmt/format.h>

namespace fightback::report {

std::string to_crlf(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 32 + 2);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string to_lf(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            continue;
        out += text[i];
    }
    return out;
}

bool is_7bit_clean(std::string_view text)
{
    std::size_t line = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0 || c >= 0x80)
            return false;
        if (c == '\r') {
            if (i + 1 >= text.size() || text[i + 1] != '\n')
                return false;
            continue;
        }
        if (c == '\n') {
            line = 0;
            continue;
        }
        if (++line > 998)
            return false;
    }
    return true;
}

std::string quoted_printable(std::string_view text)
{
    constexpr std::size_t max_line = 76;
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t column = 0;
    auto soft_break = [&] {
        out += "=\r\n";
        column = 0;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            continue; // the LF that follows ends the line
        if (c == '\n') {
            // Trailing white space before a hard break must be encoded (RFC 2045 rule 3).
            if (!out.empty() && (out.back() == ' ' || out.back() == '\t') && column > 0) {
                const char ws = out.back();
                out.pop_back();
                std::string enc = fmt::format("={:02X}", static_cast<unsigned char>(ws));
                if (column - 1 + enc.size() > max_line - 1)
                    soft_break();
                out += enc;
            }
            out += "\r\n";
            column = 0;
            continue;
        }
        std::string piece;
        if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t')
            piece.assign(1, static_cast<char>(c));
        else
            piece = fmt::format("={:02X}", c);
        if (column + piece.size() > max_line - 1)
            soft_break();
        out += piece;
        column += piece.size();
    }
    if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        const char ws = out.back();
        out.pop_back();
        out += fmt::format("={:02X}", static_cast<unsigned char>(ws));
    }
    return out;
}

std::string_view header_part(std::string_view message)
{
    std::size_t pos = 0;
    while (pos < message.size()) {
        if (message[pos] == '\n')
            return message.substr(0, pos);
        if (message[pos] == '\r' && pos + 1 < message.size() && message[pos + 1] == '\n')
            return message.substr(0, pos);
        auto eol = message.find('\n', pos);
        if (eol == std::string_view::npos)
            break;
        pos = eol + 1;
    }
    return message;
}

std::string_view without_mbox_line(std::string_view message)
{
    if (message.starts_with("From ")) {
        auto eol = message.find('\n');
        return eol == std::string_view::npos ? std::string_view{} : message.substr(eol + 1);
    }
    return message;
}

std::string ascii_text(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c == '\r')
            continue;
        if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f))
            out += static_cast<char>(c);
        else
            out += fmt::format("\\x{:02x}", c);
    }
    return out;
}

} // namespace fightback::report
