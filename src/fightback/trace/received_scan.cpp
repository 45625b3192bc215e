// The Received scanner: white-space folding, the split into words / comments / semicolons,
// and the IP-literal predicates. Every loop here advances monotonically over the line, so
// the cost stays linear in its (already bounded) length whatever the input looks like.
#include "fightback/trace/received_scan.hpp"

#include <cstring>
#include <limits>

namespace fightback::trace::detail {
namespace {

constexpr std::uint32_t no_partner = std::numeric_limits<std::uint32_t>::max();

// Perl's \s, which is what SpamAssassin folds on; NUL and other controls are left alone.
bool is_fold_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A dotted quad as SpamAssassin accepts it: no leading zeros, each part at most 255.
bool is_ipv4(std::string_view t)
{
    int parts = 0;
    std::size_t i = 0;
    while (parts < 4) {
        std::size_t j = i;
        while (j < t.size() && is_digit(t[j]) && j - i < 4)
            ++j;
        const std::size_t len = j - i;
        if (len == 0 || len > 3 || (len > 1 && t[i] == '0'))
            return false;
        int value = 0;
        for (std::size_t k = i; k < j; ++k)
            value = value * 10 + (t[k] - '0');
        if (value > 255)
            return false;
        ++parts;
        i = j;
        if (parts < 4) {
            if (i >= t.size() || t[i] != '.')
                return false;
            ++i;
        }
    }
    return i == t.size();
}

bool is_ipv6(std::string_view t)
{
    if (t.size() < 2 || t.size() > 45)
        return false;
    int groups = 0;
    bool gap = false;
    std::size_t i = 0;
    if (t.starts_with("::")) {
        gap = true;
        i = 2;
        if (i == t.size())
            return true;
    } else if (t[0] == ':') {
        return false;
    }
    while (i < t.size()) {
        std::size_t j = i;
        while (j < t.size() && is_hex(t[j]) && j - i < 5)
            ++j;
        if (j < t.size() && t[j] == '.') {
            // An embedded IPv4 tail stands for the last two groups.
            if (!is_ipv4(t.substr(i)))
                return false;
            groups += 2;
            i = t.size();
            break;
        }
        if (j == i || j - i > 4)
            return false;
        ++groups;
        i = j;
        if (i == t.size())
            break;
        if (t[i] != ':')
            return false;
        ++i;
        if (i < t.size() && t[i] == ':') {
            if (gap)
                return false;
            gap = true;
            ++i;
        } else if (i == t.size()) {
            return false; // a single trailing colon
        }
    }
    return gap ? groups <= 7 : groups == 8;
}

} // namespace

bool istarts_with(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() &&
           iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from)
{
    if (needle.empty())
        return from <= text.size() ? from : std::string_view::npos;
    if (needle.size() > text.size())
        return std::string_view::npos;
    // Hot: called for every marker on every line. Look for the first character in either case
    // with memchr, then compare the rest.
    const char lower = ascii_lower(needle[0]);
    const char upper = (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - 'a' + 'A') : lower;
    const std::size_t last = text.size() - needle.size();
    const std::string_view tail = needle.substr(1);
    for (std::size_t i = from; i <= last; ++i) {
        const char* lo = static_cast<const char*>(std::memchr(text.data() + i, lower, last - i + 1));
        const char* up = lower == upper ? nullptr
                                        : static_cast<const char*>(
                                              std::memchr(text.data() + i, upper, last - i + 1));
        const char* hit = !lo ? up : !up ? lo : std::min(lo, up);
        if (!hit)
            return std::string_view::npos;
        i = static_cast<std::size_t>(hit - text.data());
        if (iequals(text.substr(i + 1, tail.size()), tail))
            return i;
    }
    return std::string_view::npos;
}

bool contains(std::string_view text, std::string_view needle)
{
    return text.find(needle) != std::string_view::npos;
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool is_word_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_all_digits(std::string_view text)
{
    if (text.empty())
        return false;
    for (char c : text)
        if (!is_digit(c))
            return false;
    return true;
}

bool is_ip_literal(std::string_view text)
{
    if (istarts_with(text, "IPv6:"))
        return is_ipv6(text.substr(5));
    if (text.find(':') == std::string_view::npos)
        return is_ipv4(text);
    return is_ipv6(text);
}

std::optional<std::string_view> ip_with_port(std::string_view text)
{
    if (is_ip_literal(text))
        return text;
    const std::size_t sep = text.find_last_of(":.");
    if (sep == std::string_view::npos || sep == 0)
        return std::nullopt;
    const std::string_view port = text.substr(sep + 1);
    const std::string_view addr = text.substr(0, sep);
    if (port.size() > 5 || !is_all_digits(port) || !is_ipv4(addr))
        return std::nullopt;
    return addr;
}

std::optional<std::string_view> bracketed_ip(std::string_view word, bool allow_port)
{
    if (word.size() < 3 || word.front() != '[')
        return std::nullopt;
    const std::size_t close = word.find(']');
    if (close == std::string_view::npos)
        return std::nullopt;
    const std::string_view after = word.substr(close + 1);
    if (!after.empty() && !(allow_port && after.size() > 1 && after[0] == ':' &&
                            is_all_digits(after.substr(1))))
        return std::nullopt;
    const std::string_view inside = word.substr(1, close - 1);
    if (allow_port)
        return ip_with_port(inside);
    if (is_ip_literal(inside))
        return inside;
    return std::nullopt;
}

ScannedLine::ScannedLine(std::string_view value, std::size_t limit)
{
    if (value.size() > limit) {
        value = value.substr(0, limit);
        m_cut = true;
    }
    // Written through a pointer into a buffer of the input's size: the fold only shrinks.
    m_text.resize(value.size());
    char* out = m_text.data();
    char* const first = out;
    bool pending_space = false;
    for (char c : value) {
        if (is_fold_space(c)) {
            pending_space = out != first;
            continue;
        }
        if (pending_space)
            *out++ = ' ';
        pending_space = false;
        *out++ = c;
    }
    m_text.resize(static_cast<std::size_t>(out - first));
    // SpamAssassin drops "invalid" semicolons at the very end, one optional space each.
    while (!m_text.empty() && m_text.back() == ';') {
        m_text.pop_back();
        if (!m_text.empty() && m_text.back() == ' ')
            m_text.pop_back();
    }

    m_partner.assign(m_text.size(), no_partner);
    std::vector<std::uint32_t> open;
    for (std::size_t i = 0; i < m_text.size(); ++i) {
        if (m_text[i] == '(') {
            open.push_back(static_cast<std::uint32_t>(i));
        } else if (m_text[i] == ')' && !open.empty()) {
            m_partner[open.back()] = static_cast<std::uint32_t>(i);
            open.pop_back();
        }
    }
}

std::vector<Item> ScannedLine::split(std::size_t begin, std::size_t end) const
{
    std::vector<Item> items;
    end = std::min(end, m_text.size());
    std::size_t pos = begin;
    bool space_before = true;
    // No ']' can be found before this offset: a later '[' need not look again. Keeps a run of
    // '[' linear.
    std::size_t no_close_before = begin;
    auto pair_inside = [&](std::size_t at) {
        return m_partner[at] != no_partner && m_partner[at] < end;
    };
    while (pos < end) {
        const char c = m_text[pos];
        if (c == ' ') {
            space_before = true;
            ++pos;
            continue;
        }
        Item item;
        item.glued = !space_before;
        item.begin = pos;
        space_before = false;
        if (c == '(' && pair_inside(pos)) {
            item.kind = Item::Kind::comment;
            item.end = m_partner[pos] + 1;
        } else if (c == ';') {
            item.kind = Item::Kind::semicolon;
            item.end = pos + 1;
        } else {
            std::size_t q = pos;
            while (q < end) {
                const char ch = m_text[q];
                if (ch == ' ' || ch == ';' || (ch == '(' && pair_inside(q)))
                    break;
                if (ch == '[' && q >= no_close_before) {
                    // A bracket swallows parens inside it: MDaemon writes `[(192.0.2.1)]`.
                    std::size_t r = q + 1;
                    while (r < end && m_text[r] != ']' && m_text[r] != ' ')
                        ++r;
                    if (r < end && m_text[r] == ']') {
                        q = r + 1;
                        continue;
                    }
                    no_close_before = r;
                }
                ++q;
            }
            item.kind = Item::Kind::word;
            item.end = q;
        }
        pos = item.end;
        items.push_back(item);
    }
    return items;
}

} // namespace fightback::trace::detail
