// JsonWriter: the one way fightback turns data into JSON. It streams into a string (no
// document is built), and it cannot fail on text: every string is written as valid UTF-8
// (ill-formed bytes become U+FFFD) with the characters JSON requires escaped, so hostile
// bytes from mail, DNS or a registry never stop a run or break a consumer's parser.
// Nesting is the caller's to get right (begin/end in pairs); commas and indentation are ours.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace fightback {

class MailText;

class JsonWriter {
public:
    // Appends to `out`. indent < 0: one line (JSON Lines); otherwise that many spaces per level.
    explicit JsonWriter(std::string& out, int indent = -1) : m_out(out), m_indent(indent) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(const MailText& text);
    JsonWriter& value(bool b);
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    JsonWriter& value(T n)
    {
        if constexpr (std::is_signed_v<T>)
            return signed_value(static_cast<std::int64_t>(n));
        else
            return unsigned_value(static_cast<std::uint64_t>(n));
    }
    JsonWriter& value(double d); // NaN and infinities are null
    JsonWriter& null();
    template <typename T>
    JsonWriter& value(const std::optional<T>& v)
    {
        return v ? value(*v) : null();
    }
    JsonWriter& value(std::span<const std::string> strings);
    JsonWriter& value(const std::vector<std::string>& strings)
    {
        return value(std::span<const std::string>(strings));
    }
    // Text that is JSON already (made by another JsonWriter), written as it is.
    JsonWriter& raw(std::string_view json);

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v)
    {
        key(name);
        return value(v);
    }
    JsonWriter& null_field(std::string_view name) { return key(name).null(); }

private:
    JsonWriter& signed_value(std::int64_t n);
    JsonWriter& unsigned_value(std::uint64_t n);
    void before_value();
    void open(char bracket);
    void close(char bracket);
    void newline();

    std::string& m_out;
    int m_indent;
    // One entry per open object or array: whether it has an element yet.
    std::vector<bool> m_has_element;
    bool m_after_key = false;
};

// `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

} // namespace fightback
