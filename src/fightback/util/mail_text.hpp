// MailText: a string that came from outside (a header, a DNS answer, a registry record) as
// fightback stores it. Making one cleans the bytes (valid UTF-8, no NUL: see utf8.hpp), so
// code that holds a MailText never has to ask whether it may print, store or encode it.
// It reads as a std::string_view and a const std::string&, and converts from any string
// (cleaning it): there is no way to put raw bytes back in.
#pragma once

#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fightback/util/utf8.hpp"

namespace fightback {

class MailText {
public:
    MailText() = default;
    MailText(std::string_view hostile) : m_text(utf8::clean(hostile)) {}
    MailText(const char* hostile) : MailText(std::string_view(hostile)) {}
    MailText(const std::string& hostile) : MailText(std::string_view(hostile)) {}
    // Takes the string over when it is clean already (no copy), cleans it otherwise.
    MailText(std::string&& hostile)
        : m_text(utf8::is_clean(hostile) ? std::move(hostile) : utf8::clean(hostile))
    {
    }

    const std::string& str() const { return m_text; }
    std::string_view view() const { return m_text; }
    operator std::string_view() const { return m_text; }
    operator const std::string&() const { return m_text; }
    bool empty() const { return m_text.empty(); }
    std::size_t size() const { return m_text.size(); }

    friend bool operator==(const MailText& a, std::string_view b) { return a.view() == b; }
    friend auto operator<=>(const MailText& a, std::string_view b) { return a.view() <=> b; }

private:
    std::string m_text;
};

std::ostream& operator<<(std::ostream& out, const MailText& text);

} // namespace fightback

template <>
struct fmt::formatter<fightback::MailText> : fmt::formatter<std::string_view> {
    template <typename Context>
    auto format(const fightback::MailText& text, Context& ctx) const
    {
        return fmt::formatter<std::string_view>::format(text.view(), ctx);
    }
};
