// Writing JSON as a stream of tokens. Strings are copied in runs of bytes that need no
// escape; the slow path (escapes, UTF-8 checks) only runs where such bytes are.
#include "fightback/util/json_writer.hpp"

#include <array>
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "fightback/util/mail_text.hpp"
#include "fightback/util/utf8.hpp"

namespace fightback {
namespace {

// 0: copy as is; 1: needs an escape; 2: not ASCII (checked as UTF-8).
constexpr auto byte_class = [] {
    std::array<unsigned char, 256> table{};
    for (std::size_t c = 0; c < table.size(); ++c)
        table[c] = c < 0x20 || c == '"' || c == '\\' ? 1 : c >= 0x80 ? 2 : 0;
    return table;
}();

void append_escape(std::string& out, unsigned char c)
{
    switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: fmt::format_to(std::back_inserter(out), "\\u{:04x}", c); return;
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view text)
{
    out += '"';
    std::size_t run = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto c = static_cast<unsigned char>(text[at]);
        const auto kind = byte_class[c];
        if (kind == 0) {
            ++at;
            continue;
        }
        if (kind == 2) {
            std::size_t bad = 0;
            if (const auto n = utf8::sequence_length(text, at, &bad); n > 0) {
                at += n;
                continue;
            }
            out.append(text.substr(run, at - run));
            out.append(utf8::replacement);
            at += bad;
            run = at;
            continue;
        }
        out.append(text.substr(run, at - run));
        append_escape(out, c);
        run = ++at;
    }
    out.append(text.substr(run));
    out += '"';
}

void JsonWriter::newline()
{
    if (m_indent < 0)
        return;
    m_out += '\n';
    m_out.append(m_has_element.size() * static_cast<std::size_t>(m_indent), ' ');
}

void JsonWriter::before_value()
{
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (m_has_element.empty())
        return;
    if (m_has_element.back())
        m_out += ',';
    m_has_element.back() = true;
    newline();
}

void JsonWriter::open(char bracket)
{
    before_value();
    m_out += bracket;
    m_has_element.push_back(false);
}

void JsonWriter::close(char bracket)
{
    const bool had = !m_has_element.empty() && m_has_element.back();
    if (!m_has_element.empty())
        m_has_element.pop_back();
    if (had)
        newline();
    m_out += bracket;
}

JsonWriter& JsonWriter::begin_object()
{
    open('{');
    return *this;
}

JsonWriter& JsonWriter::end_object()
{
    close('}');
    return *this;
}

JsonWriter& JsonWriter::begin_array()
{
    open('[');
    return *this;
}

JsonWriter& JsonWriter::end_array()
{
    close(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    before_value();
    append_json_string(m_out, name);
    m_out += m_indent < 0 ? ":" : ": ";
    m_after_key = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    before_value();
    append_json_string(m_out, text);
    return *this;
}

JsonWriter& JsonWriter::value(const MailText& text)
{
    return value(text.view());
}

JsonWriter& JsonWriter::value(bool b)
{
    before_value();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::signed_value(std::int64_t n)
{
    before_value();
    fmt::format_to(std::back_inserter(m_out), "{}", n);
    return *this;
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t n)
{
    before_value();
    fmt::format_to(std::back_inserter(m_out), "{}", n);
    return *this;
}

JsonWriter& JsonWriter::value(double d)
{
    if (!std::isfinite(d))
        return null();
    before_value();
    const auto start = m_out.size();
    fmt::format_to(std::back_inserter(m_out), "{}", d);
    // Keep it a number with a fraction, as JSON readers that tell integers apart expect.
    if (m_out.find_first_of(".e", start) == std::string::npos)
        m_out += ".0";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    before_value();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::value(std::span<const std::string> strings)
{
    begin_array();
    for (const auto& s : strings)
        value(std::string_view(s));
    return end_array();
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
    before_value();
    m_out.append(json);
    return *this;
}

} // namespace fightback
