// Reading the sender out of the from-part of a Received line: which address the receiving
// MTA recorded, with the HELO, reverse DNS and ident around it, and what kind of line it is
// when there is none (local, fetch, unreadable). Internal to trace/.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fightback/trace/hop.hpp"
#include "fightback/trace/received_fields.hpp"

namespace fightback::trace::detail {

struct Sender {
    std::string_view ip; // as written, without brackets, port or zone
    std::string_view helo;
    bool helo_given = false; // "(HELO )": the client gave an empty name
    std::string_view rdns;
    std::string_view ident;
    bool looked_up_dns = false;
    // SpamAssassin matches this shape before it looks for POP/IMAP fetch markers, so the line
    // stays a handover even when it says "with POP3".
    bool strong = false;
};

struct SenderResult {
    HopKind kind = HopKind::unparseable;
    std::string reason;
    std::optional<Sender> sender;
    bool ms_server = false; // Exchange: the "id" is a version, not a queue id
};

// The MTA families whose lines SpamAssassin reads with rules of their own (Postfix and
// Domino, which one reader each asks about, are FromPart::postfix() and domino()).
struct Markers {
    bool exim = false;
    bool smtpsvc = false;
    bool ms_server = false;
};

Markers markers_of(const ScannedLine& line);

// The from-part of a line (the items between "from" and "by") and the readers for the
// places an MTA may have written the sender's address in it.
class FromPart {
public:
    explicit FromPart(const LineShape& shape)
        : m_shape(shape), m_line(*shape.line), m_items(shape.items),
          m_markers(markers_of(*shape.line))
    {
    }

    const Markers& markers() const { return m_markers; }
    // The family after the three of Markers, in SpamAssassin's order: only if none of them.
    bool postfix() const
    {
        return !m_markers.smtpsvc && !m_markers.ms_server && !m_markers.exim &&
               m_line.contains(" (Postfix) with");
    }
    bool domino() const { return m_line.contains(" (Lotus Domino "); }
    std::size_t size() const { return m_shape.from_end > 1 ? m_shape.from_end - 1 : 0; }
    const Item& at(std::size_t i) const { return m_items[1 + i]; }
    std::string_view view(const Item& item) const { return m_line.view(item); }
    std::string_view inner(const Item& item) const { return m_line.inner(item); }
    ItemList inside(const Item& comment) const { return m_line.split_inside(comment); }

    bool has_by() const { return m_shape.by_at.has_value(); }
    // The item `offset` places after the `by` keyword (1 = the host).
    const Item* after_by(std::size_t offset) const
    {
        if (!m_shape.by_at || *m_shape.by_at + offset >= m_items.size())
            return nullptr;
        return &m_items[*m_shape.by_at + offset];
    }
    bool after_by_is_word(std::size_t offset, std::string_view word) const
    {
        const Item* item = after_by(offset);
        return item && item->kind == Item::Kind::word && iequals(view(*item), word);
    }

    std::optional<Sender> read() const;
    bool qmail_protocol() const;
    // Text follows the by host before the date SpamAssassin strips.
    bool by_host_followed() const
    {
        const Item* host = after_by(1);
        return host && host->end < m_shape.effective_end;
    }
    // Items of the from-part counted the way SpamAssassin's \S+ sees them: a comment glued
    // to the word before it ("host(192.0.2.1)") is part of that word.
    std::size_t units() const
    {
        std::size_t n = 0;
        for (std::size_t i = 0; i < size(); ++i)
            n += at(i).glued ? 0 : 1;
        return n;
    }

private:
    // `words`: the inside of the comment.
    std::optional<Sender> from_comment(std::span<const Item> words, std::string_view name,
                                       bool first_comment) const;
    std::optional<Sender> from_glued(std::string_view name, const Item& comment) const;
    std::optional<Sender> from_bare_bracket(std::string_view name, std::string_view word) const;
    std::optional<Sender> from_name(std::string_view name) const;
    bool name_ip_accepted() const;
    std::optional<Sender> squirrelmail_client() const;

    const LineShape& m_shape;
    const ScannedLine& m_line;
    const ItemList& m_items;
    Markers m_markers;
};

SenderResult find_sender(const LineShape& shape);

// The first "[address]" anywhere in `text`: SpamAssassin's last resort for lines no known
// shape fits.
std::optional<std::string_view> first_bracketed_ip(std::string_view text);

} // namespace fightback::trace::detail
