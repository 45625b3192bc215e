// The hand-written scanner under the Received parser: folds a header value into one line,
// splits it into words, parenthesised comments and semicolons, with offsets into that line,
// and searches it for markers (through a filter of its character pairs: most are absent).
// Also the small text predicates the recognisers share (IP literals as SpamAssassin reads
// them, case-insensitive compares). Internal to trace/; nothing here allocates per character.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fightback::trace::detail {

// One piece of a folded Received line. Comments are kept whole (their inside is split again
// on demand with ScannedLine::split), so nesting costs nothing until a recogniser looks in.
struct Item {
    enum class Kind : std::uint8_t { word, comment, semicolon };
    Kind kind = Kind::word;
    bool glued = false;      // no space between this item and the one before it
    std::uint32_t begin = 0; // offset of the first character (the '(' of a comment)
    std::uint32_t end = 0;   // one past the last character (past the ')' of a comment)
};

// Items live in their line's arena, as does everything else a line's parse makes.
using ItemList = std::pmr::vector<Item>;

// A folded line, the paren pairs in it, and what it takes to search it quickly. Items hold
// offsets, so the line must outlive them.
class ScannedLine {
public:
    // Folds runs of white space to one space, trims, and drops trailing semicolons (as
    // SpamAssassin does before it looks at a line). Input longer than `limit` is cut first.
    ScannedLine(std::string_view value, std::size_t limit);
    ScannedLine(const ScannedLine&) = delete;
    ScannedLine& operator=(const ScannedLine&) = delete;

    std::string_view text() const { return m_text; }
    bool was_cut() const { return m_cut; }

    // Top-level items of text()[begin, end).
    ItemList split(std::size_t begin, std::size_t end) const;
    ItemList split() const { return split(0, m_text.size()); }
    // The items inside a comment (without its parens).
    ItemList split_inside(const Item& comment) const
    {
        return split(comment.begin + 1, comment.end - 1);
    }

    std::string_view view(const Item& item) const
    {
        return text().substr(item.begin, item.end - item.begin);
    }
    // A comment's inside, or a word itself.
    std::string_view inner(const Item& item) const
    {
        if (item.kind == Item::Kind::comment)
            return text().substr(item.begin + 1, item.end - item.begin - 2);
        return view(item);
    }
    // Everything from `offset` to the end of the line.
    std::string_view rest(std::size_t offset) const
    {
        return offset >= m_text.size() ? std::string_view{} : text().substr(offset);
    }

    // Searches of the whole line, from `from` on; npos when absent. A line is searched for
    // some forty markers, nearly all of them absent: the pair filter answers most of those
    // without reading the line.
    std::size_t find(std::string_view needle, std::size_t from = 0) const;
    // Case-insensitive (ASCII); the needle is given in lower case.
    std::size_t ifind(std::string_view lower_needle, std::size_t from = 0) const;
    bool contains(std::string_view needle) const
    {
        return find(needle) != std::string_view::npos;
    }

private:
    struct Paren {
        std::uint32_t open;
        std::uint32_t close; // no_partner when unbalanced
    };
    static constexpr std::uint32_t no_partner = UINT32_MAX;
    // The offset of the ')' that closes the '(' at `open`, or no_partner.
    std::uint32_t partner(std::size_t open) const;
    // False when some adjacent pair of the needle's characters (case folded) is nowhere on
    // the line, so the needle cannot be there either.
    bool may_contain(std::string_view needle) const;
    static std::size_t pair_slot(std::size_t a, std::size_t b) { return ((a << 5) ^ b) % 1024; }

    // One arena per line: the small vectors its parse makes cost no malloc, and a typical line
    // fits in the inline buffer. Declared first: the members below allocate from it.
    std::array<std::byte, 4096> m_buffer;
    mutable std::pmr::monotonic_buffer_resource m_arena{m_buffer.data(), m_buffer.size()};
    std::string_view m_text;  // in the arena
    std::string_view m_lower; // m_text in ASCII lower case, for ifind; in the arena
    // The offsets of the spaces and of ( ) [ ] ; in order: all that split() must look at.
    std::span<const std::uint32_t> m_stops; // in the arena
    // Each '(' in order of its offset, with its partner.
    std::pmr::vector<Paren> m_parens{&m_arena};
    // The case-folded pairs of adjacent characters on the line, hashed to 1024 slots (a byte
    // each: a store per character is cheaper to fill than a bit).
    std::array<bool, 1024> m_pairs{};
    bool m_cut = false;
};

// --- text helpers ---------------------------------------------------------------------------

constexpr char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr bool iequals(std::string_view a, std::string_view b)
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
// For short texts (a word, a comment); whole lines have ScannedLine::find.
bool contains(std::string_view text, std::string_view needle);
constexpr bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
// [A-Za-z0-9_], what a regex \w matches in ASCII.
constexpr bool is_word_char(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
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
