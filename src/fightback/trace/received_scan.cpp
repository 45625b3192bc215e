// The Received scanner: white-space folding, the split into words / comments / semicolons,
// the line searches, and the IP-literal predicates. Every loop here advances monotonically
// over the line, so the cost stays linear in its (already bounded) length whatever the input
// looks like.
#include "fightback/trace/received_scan.hpp"

#include <algorithm>
#include <cstring>

namespace fightback::trace::detail {
namespace {

// How the fold sees a character. Spaces are Perl's \s, which is what SpamAssassin folds on:
// space, \t \n \v \f \r; NUL and other controls are left alone. Marks are the characters
// other than space that split() must look at.
enum class CharClass : std::uint8_t { plain, space, mark };

constexpr auto char_classes = [] {
    std::array<CharClass, 256> classes{};
    for (unsigned char c : {' ', '\t', '\n', '\v', '\f', '\r'})
        classes[c] = CharClass::space;
    for (unsigned char c : {'(', ')', '[', ']', ';'})
        classes[c] = CharClass::mark;
    return classes;
}();

CharClass class_of(char c)
{
    return char_classes[static_cast<unsigned char>(c)];
}

// ascii_lower as a table: the line's lower-case copy takes one load a character.
constexpr auto lower_case = [] {
    std::array<unsigned char, 256> table{};
    for (std::size_t c = 0; c < table.size(); ++c)
        table[c] = static_cast<unsigned char>(ascii_lower(static_cast<char>(c)));
    return table;
}();

unsigned char folded(char c)
{
    return lower_case[static_cast<unsigned char>(c)];
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

bool contains(std::string_view text, std::string_view needle)
{
    return text.find(needle) != std::string_view::npos;
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
    // One pass, a character at a time, makes the folded line, its lower-case copy and the pair
    // filter, and notes where the stops are. The fold only shrinks, so the buffers (left
    // uninitialised: every byte used is written) are sized once; local pointers and no call in
    // the loop let the compiler keep it all in registers.
    const std::size_t capacity = std::max<std::size_t>(value.size(), 1);
    char* const text = static_cast<char*>(m_arena.allocate(capacity, 1));
    char* const lower_text = static_cast<char*>(m_arena.allocate(capacity, 1));
    auto* const stops = static_cast<std::uint32_t*>(
        m_arena.allocate(capacity * sizeof(std::uint32_t), alignof(std::uint32_t)));
    std::uint32_t* stops_end = stops;
    bool* const pairs = m_pairs.data();
    std::size_t size = 0;
    std::size_t previous = 0; // the last character written, lower-cased
    for (char c : value) {
        if (const CharClass kind = class_of(c); kind != CharClass::plain) {
            if (kind == CharClass::space) {
                if (size == 0 || text[size - 1] == ' ')
                    continue; // leading space, or the rest of a run
                c = ' ';      // a run of white space folds to one space
            }
            *stops_end++ = static_cast<std::uint32_t>(size);
        }
        const std::size_t lower = folded(c);
        text[size] = c;
        lower_text[size] = static_cast<char>(lower);
        pairs[pair_slot(previous, lower)] = true;
        previous = lower;
        ++size;
    }
    // Trimmed; then SpamAssassin drops "invalid" semicolons at the very end, one optional space
    // each. (The pairs of what is dropped stay in the filter: it may only say too much.)
    if (size > 0 && text[size - 1] == ' ')
        --size;
    while (size > 0 && text[size - 1] == ';') {
        --size;
        if (size > 0 && text[size - 1] == ' ')
            --size;
    }
    while (stops_end != stops && stops_end[-1] >= size)
        --stops_end;
    m_text = std::string_view(text, size);
    m_lower = std::string_view(lower_text, size);
    m_stops = std::span(stops, stops_end);

    // Pairs the parens with a stack of the open ones (indices into m_parens), so that hostile
    // runs of unbalanced parens stay linear.
    std::pmr::vector<std::uint32_t> open(&m_arena);
    open.reserve(m_stops.size());
    m_parens.reserve(m_stops.size());
    for (const std::uint32_t at : m_stops) {
        if (text[at] == '(') {
            open.push_back(static_cast<std::uint32_t>(m_parens.size()));
            m_parens.push_back({at, no_partner});
        } else if (text[at] == ')' && !open.empty()) {
            m_parens[open.back()].close = at;
            open.pop_back();
        }
    }
}

std::uint32_t ScannedLine::partner(std::size_t open) const
{
    const auto it = std::ranges::lower_bound(m_parens, open, {}, &Paren::open);
    return it != m_parens.end() && it->open == open ? it->close : no_partner;
}

bool ScannedLine::may_contain(std::string_view needle) const
{
    auto recorded = [&](std::size_t i) {
        return m_pairs[pair_slot(folded(needle[i - 1]), folded(needle[i]))];
    };
    // The pairs at the end first: the markers share beginnings (" with ", " (") more than ends.
    for (std::size_t i = needle.size(); i-- > 1;)
        if (!recorded(i))
            return false;
    return true;
}

namespace {

// memmem builds a shift table on every call, which costs more than the search itself on a line
// of a few hundred bytes. Instead: memchr for the needle's first character that is not a space
// (spaces are everywhere on a folded line), and compare around each hit.
std::size_t search(std::string_view text, std::string_view needle, std::size_t from)
{
    if (from > text.size() || needle.size() > text.size() - from)
        return std::string_view::npos;
    if (needle.empty())
        return from;
    const std::size_t anchor = std::min(needle.find_first_not_of(' '), needle.size() - 1);
    const char* p = text.data() + from + anchor;
    // The anchor of the last place the needle fits.
    const char* const last = text.data() + text.size() - needle.size() + anchor;
    while (p <= last) {
        p = static_cast<const char*>(
            std::memchr(p, needle[anchor], static_cast<std::size_t>(last - p) + 1));
        if (!p)
            break;
        const char* const start = p - anchor;
        if (std::memcmp(start, needle.data(), needle.size()) == 0)
            return static_cast<std::size_t>(start - text.data());
        ++p;
    }
    return std::string_view::npos;
}

} // namespace

std::size_t ScannedLine::find(std::string_view needle, std::size_t from) const
{
    if (!may_contain(needle))
        return std::string_view::npos;
    return search(m_text, needle, from);
}

std::size_t ScannedLine::ifind(std::string_view lower_needle, std::size_t from) const
{
    if (!may_contain(lower_needle))
        return std::string_view::npos;
    return search(m_lower, lower_needle, from);
}

ItemList ScannedLine::split(std::size_t begin, std::size_t end) const
{
    ItemList items(&m_arena);
    end = std::min(end, m_text.size());
    // About one item per word of six characters: most splits never grow.
    items.reserve((end - std::min(begin, end)) / 6 + 2);
    std::size_t pos = begin;
    bool space_before = true;
    // Words are read from stop to stop: the characters between them cannot end a word.
    const std::uint32_t* const stops_end = m_stops.data() + m_stops.size();
    const std::uint32_t* stop = std::lower_bound(m_stops.data(), stops_end, begin);
    auto stop_before_end = [&](const std::uint32_t* at) { return at != stops_end && *at < end; };
    // No ']' can be found before this offset: a later '[' need not look again. Keeps a run of
    // '[' linear.
    std::size_t no_close_before = begin;
    auto pair_inside = [&](std::size_t at) {
        const std::uint32_t close = partner(at);
        return close != no_partner && close < end;
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
        item.begin = static_cast<std::uint32_t>(pos);
        space_before = false;
        if (c == '(' && pair_inside(pos)) {
            item.kind = Item::Kind::comment;
            item.end = partner(pos) + 1;
        } else if (c == ';') {
            item.kind = Item::Kind::semicolon;
            item.end = static_cast<std::uint32_t>(pos + 1);
        } else {
            while (stop != stops_end && *stop < pos)
                ++stop;
            std::size_t word_end = end;
            while (stop_before_end(stop)) {
                const std::size_t at = *stop;
                const char ch = m_text[at];
                if (ch == ' ' || ch == ';' || (ch == '(' && pair_inside(at))) {
                    word_end = at;
                    break;
                }
                if (ch == '[' && at >= no_close_before) {
                    // A bracket swallows parens inside it: MDaemon writes `[(192.0.2.1)]`.
                    const std::uint32_t* close = stop + 1;
                    while (stop_before_end(close) && m_text[*close] != ']' && m_text[*close] != ' ')
                        ++close;
                    if (stop_before_end(close) && m_text[*close] == ']') {
                        stop = close + 1;
                        continue;
                    }
                    no_close_before = stop_before_end(close) ? *close : end;
                }
                ++stop;
            }
            item.kind = Item::Kind::word;
            item.end = static_cast<std::uint32_t>(word_end);
        }
        pos = item.end;
        items.push_back(item);
    }
    return items;
}

} // namespace fightback::trace::detail
