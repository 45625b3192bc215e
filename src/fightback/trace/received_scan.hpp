// The hand-written scanner under the Received parser: folds a header value into one line and
// splits it into words, parenthesised comments and semicolons, with offsets into that line.
// Also the small text predicates the recognisers share (IP literals as SpamAssassin reads
// them, case-insensitive compares). Internal to trace/; nothing here allocates per character.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fightback::trace::detail {

// One piece of a folded Received line. Comments are kept whole (their inside is split again
// on demand with ScannedLine::split), so nesting costs nothing until a recogniser looks in.
struct Item {
    enum class Kind : std::uint8_t { word, comment, semicolon };
    Kind kind = Kind::word;
    bool glued = false;    // no space between this item and the one before it
    std::size_t begin = 0; // offset of the first character (the '(' of a comment)
    std::size_t end = 0;   // one past the last character (past the ')' of a comment)
};

// A folded line and the paren pairs in it. Items hold offsets, so the line must outlive them.
class ScannedLine {
public:
    // Folds runs of white space to one space, trims, and drops trailing semicolons (as
    // SpamAssassin does before it looks at a line). Input longer than `limit` is cut first.
    ScannedLine(std::string_view value, std::size_t limit);

    const std::string& text() const { return m_text; }
    bool was_cut() const { return m_cut; }

    // Top-level items of text()[begin, end).
    std::vector<Item> split(std::size_t begin, std::size_t end) const;
    std::vector<Item> split() const { return split(0, m_text.size()); }
    // The items inside a comment (without its parens).
    std::vector<Item> split_inside(const Item& comment) const
    {
        return split(comment.begin + 1, comment.end - 1);
    }

    std::string_view view(const Item& item) const
    {
        return std::string_view(m_text).substr(item.begin, item.end - item.begin);
    }
    // A comment's inside, or a word itself.
    std::string_view inner(const Item& item) const
    {
        if (item.kind == Item::Kind::comment)
            return std::string_view(m_text).substr(item.begin + 1, item.end - item.begin - 2);
        return view(item);
    }
    // Everything from `offset` to the end of the line.
    std::string_view rest(std::size_t offset) const
    {
        return offset >= m_text.size() ? std::string_view{}
                                       : std::string_view(m_text).substr(offset);
    }

private:
    std::string m_text;
    // For each '(' with a partner, the offset of its ')'; npos elsewhere. Found once with a
    // stack so that hostile runs of unbalanced parens stay linear.
    std::vector<std::uint32_t> m_partner;
    bool m_cut = false;
};

// --- text helpers ---------------------------------------------------------------------------

inline char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i]))
            return false;
    return true;
}
bool istarts_with(std::string_view text, std::string_view prefix);
bool iends_with(std::string_view text, std::string_view suffix);
// Case-insensitive search; npos when absent.
std::size_t ifind(std::string_view text, std::string_view needle, std::size_t from = 0);
bool contains(std::string_view text, std::string_view needle);
bool is_digit(char c);
// [A-Za-z0-9_], what a regex \w matches in ASCII.
bool is_word_char(char c);
bool is_all_digits(std::string_view text);

// --- IP literals ----------------------------------------------------------------------------

// True when `text`, whole, is an address as SpamAssassin's IP_ADDRESS pattern reads one: a
// dotted quad without leading zeros, or an IPv6 text form, optionally prefixed `IPv6:`.
bool is_ip_literal(std::string_view text);

// `text` is an IP literal optionally followed by a port written as `:N` (IPv4 only) or `.N`;
// returns the address part.
std::optional<std::string_view> ip_with_port(std::string_view text);

// `[addr]`, also `[addr:port]` / `[addr.port]` when `allow_port`; returns addr.
std::optional<std::string_view> bracketed_ip(std::string_view word, bool allow_port = false);

} // namespace fightback::trace::detail
