// The from-part readers. Each MTA family writes the sender's address in one of a few places:
// a comment right after the HELO name ("helo (rdns [ip])" Postfix/Sendmail, "([ip] helo=x)"
// Exim, "([ip])" Exchange/SMTPSVC, "(HELO x) (ip)" qmail), a bare "[ip]" after the name
// (fetchmail, old Exim, MDaemon), the name itself ("[ip] (helo=x)", webmail "from ip by"),
// or glued to the name ("host(ip)", smap). The readers below try those places in the order
// SpamAssassin effectively does, so both pick the same address from the same line.
#include "fightback/trace/received_sender.hpp"

namespace fightback::trace::detail {

Markers markers_of(const ScannedLine& line)
{
    Markers m;
    // Checked in SpamAssassin's order: only the first family that matches counts.
    if (line.contains(" SMTPSVC"))
        m.smtpsvc = true;
    else if (line.contains(" with Microsoft SMTP Server") || line.contains(" with mapi id "))
        m.ms_server = true;
    else if (line.contains("Exim"))
        m.exim = true;
    return m;
}

namespace {

std::string_view strip_zone(std::string_view text)
{
    const auto pct = text.find('%');
    if (pct == std::string_view::npos || pct == 0)
        return text;
    for (char c : text.substr(pct + 1))
        if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
              c == '_' || c == '~' || c == '-'))
            return text;
    return text.substr(0, pct);
}

// "[addr]", "[addr:port]", "[addr.port]", "[addr]:port", "[addr%zone]"
std::optional<std::string_view> address_in_brackets(std::string_view word)
{
    if (word.size() < 3 || word.front() != '[')
        return std::nullopt;
    if (const auto pct = word.find('%'); pct != std::string_view::npos) {
        const auto close = word.find(']');
        if (close == std::string_view::npos || close < pct)
            return std::nullopt;
        const std::string_view addr = strip_zone(word.substr(1, close - 1));
        if (close + 1 == word.size() && is_ip_literal(addr))
            return addr;
        return std::nullopt;
    }
    return bracketed_ip(word, true);
}

// The helo=, ident= values Exim writes after the address.
void read_exim_extras(const FromPart& part, std::span<const Item> words, std::size_t from,
                      Sender& s)
{
    for (std::size_t i = from; i < words.size(); ++i) {
        if (words[i].kind != Item::Kind::word)
            continue;
        const std::string_view w = part.view(words[i]);
        if (w.starts_with("helo=")) {
            s.helo = w.substr(5);
            s.helo_given = true;
        } else if (w.starts_with("ident=")) {
            s.ident = w.substr(6);
        }
    }
}

bool is_helo_comment(const FromPart& part, std::span<const Item> words)
{
    if (words.empty() || words.size() > 2 || words[0].kind != Item::Kind::word)
        return false;
    const std::string_view w = part.view(words[0]);
    return w == "HELO" || w == "EHLO" || w == "LHLO";
}

// "IDENT:user@host" and "user@host" in Sendmail's rDNS slot carry an ident answer.
void split_ident(std::string_view rdns, Sender& s)
{
    if (rdns.starts_with("IDENT:"))
        rdns.remove_prefix(6);
    if (const auto at = rdns.find('@'); at != std::string_view::npos) {
        s.ident = rdns.substr(0, at);
        rdns.remove_prefix(at + 1);
    }
    s.rdns = rdns;
}

} // namespace

std::optional<Sender> FromPart::from_comment(std::span<const Item> words, std::string_view name,
                                             bool first_comment) const
{
    if (words.empty() || words[0].kind != Item::Kind::word)
        return std::nullopt;
    const std::string_view w0 = view(words[0]);
    const auto& m = m_markers;
    Sender s;
    s.helo = name;

    // "([ip])", "([ip] helo=x)", "([ip]:port helo=x)", "([ip] verified)", "([ip] RDNS failed)"
    if (auto ip = address_in_brackets(w0)) {
        s.ip = *ip;
        const bool exim_style = words.size() > 1 && words[1].kind == Item::Kind::word &&
                                view(words[1]).starts_with("helo=");
        read_exim_extras(*this, words, 1, s);
        // Exim and CommuniGate put the rDNS name first; so does qmail-ldap ("([ip])" with
        // "with SMTP"), which drops a HELO equal to it.
        if (exim_style || m.exim || (words.size() == 2 && view(words[1]) == "verified") ||
            (words.size() == 1 && !m.smtpsvc && !m.ms_server && qmail_protocol()))
            s.rdns = name;
        s.looked_up_dns = words.size() == 1 && !m.smtpsvc && !m.ms_server && !m.exim &&
                          !domino();
        s.strong = first_comment && (words.size() == 1 || exim_style || m.exim || m.smtpsvc ||
                                     m.ms_server);
        return s;
    }
    // "(rdns [ip])", "(rdns [ip] (may be forged))", "(IDENT:user@rdns [ip])"
    if (words.size() >= 2 && words[1].kind == Item::Kind::word && !words[1].glued) {
        const std::string_view w1 = view(words[1]);
        std::optional<std::string_view> ip;
        if (w1.size() > 2 && w1.front() == '[' && w1.back() == ']') {
            const std::string_view addr = strip_zone(w1.substr(1, w1.size() - 2));
            if (is_ip_literal(addr))
                ip = addr;
        }
        if (ip) {
            s.ip = *ip;
            split_ident(w0, s);
            // couriertcpd writes "softdnserr" when it did not get an answer
            s.looked_up_dns = w0 != "softdnserr";
            if (w0 == "softdnserr")
                s.rdns = {};
            s.strong = first_comment;
            return s;
        }
    }
    // "(rdns[ip])", "(<unknown.domain>[ip])", "(user@[ip])"
    if (const auto open = w0.find('['); open != std::string_view::npos && open > 0 &&
                                        w0.back() == ']' && !contains(w0, "=")) {
        const std::string_view addr = w0.substr(open + 1, w0.size() - open - 2);
        if (is_ip_literal(addr)) {
            const std::string_view before = w0.substr(0, open);
            s.ip = addr;
            s.looked_up_dns = true;
            if (before.back() == '@') {
                s.ident = before.substr(0, before.size() - 1);
                s.strong = first_comment;
            } else {
                s.rdns = before.front() == '<' ? std::string_view{} : before;
                s.strong = first_comment && (contains(before, ".") || before.front() == '<' ||
                                             postfix());
            }
            return s;
        }
    }
    // "(ip)", "(user@ip)", "(user@ip with login)", "(ip%zone)": qmail, IronPort, Exchange 2007+
    {
        std::string_view addr = w0;
        std::string_view ident;
        if (const auto at = addr.rfind('@'); at != std::string_view::npos) {
            ident = addr.substr(0, at);
            addr.remove_prefix(at + 1);
        }
        const bool bracketed = addr.size() > 2 && addr.front() == '[' && addr.back() == ']';
        if (bracketed)
            addr = addr.substr(1, addr.size() - 2);
        addr = strip_zone(addr);
        // SpamAssassin's patterns for an unbracketed address all want text after the by
        // host; a line that ends there (its date cut away) is one it cannot read.
        if (is_ip_literal(addr) && (bracketed || by_host_followed())) {
            s.ip = addr;
            s.ident = ident;
            if (!m.ms_server)
                s.rdns = name;
            s.looked_up_dns = !m.ms_server && !iequals(name, "unknown");
            s.strong = first_comment && (m.ms_server || qmail_protocol());
            return s;
        }
    }
    return std::nullopt;
}

// "host(192.0.2.1)", "host(192.0.2.1, HELO x)": TIS smap and Obtuse smtpd.
std::optional<Sender> FromPart::from_glued(std::string_view name, const Item& comment) const
{
    const auto words = inside(comment);
    if (words.empty() || words[0].kind != Item::Kind::word)
        return std::nullopt;
    std::string_view addr = view(words[0]);
    if (addr.ends_with(','))
        addr.remove_suffix(1);
    if (!is_ip_literal(addr) || !by_host_followed())
        return std::nullopt;
    Sender s;
    s.ip = addr;
    s.rdns = name;
    s.looked_up_dns = name != "UNKNOWN";
    if (words.size() == 3 && is_helo_comment(*this, std::span(words).subspan(1, 2)))
        s.helo = view(words[2]);
    // Obtuse smtpd: `host(ip), claiming to be "helo" via SMTP by ...`
    const std::string_view after = m_line.rest(comment.end);
    constexpr std::string_view claim = ", claiming to be \"";
    if (after.starts_with(claim)) {
        const std::string_view rest = after.substr(claim.size());
        if (const auto quote = rest.find('"'); quote != std::string_view::npos)
            s.helo = rest.substr(0, quote);
    }
    return s;
}

// "name [ip] by": fetchmail, old Exim, MDaemon ("name [ip] by host [ip] with",
// "name [(ip)] by host (ip)"), SMTPD32.
std::optional<Sender> FromPart::from_bare_bracket(std::string_view name,
                                                  std::string_view word) const
{
    std::optional<std::string_view> ip;
    bool mdaemon = false;
    if (word.starts_with("[(") && word.ends_with(")]")) {
        const std::string_view addr = word.substr(2, word.size() - 4);
        if (is_ip_literal(addr)) {
            ip = addr;
            mdaemon = true;
        }
    } else {
        ip = address_in_brackets(word);
    }
    if (!ip)
        return std::nullopt;
    Sender s;
    s.ip = *ip;
    s.helo = name;
    if (m_markers.exim)
        s.rdns = name;
    const Item* by_next = after_by(2);
    if (by_next && by_next->kind == Item::Kind::word && address_in_brackets(view(*by_next)))
        mdaemon = true;
    s.looked_up_dns = mdaemon;
    s.strong = m_markers.exim || mdaemon;
    return s;
}

// The name is itself the address: "[ip] (helo=x)", "[ip] by", webmail "ip by host with HTTP".
std::optional<Sender> FromPart::from_name(std::string_view name) const
{
    Sender s;
    if (auto ip = address_in_brackets(name)) {
        s.ip = *ip;
        if (size() >= 2 && at(1).kind == Item::Kind::comment) {
            const auto words = inside(at(1));
            read_exim_extras(*this, words, 0, s);
            // CommuniGate: "(account user HELO name)"
            for (std::size_t i = 0; i + 1 < words.size(); ++i)
                if (is_helo_comment(*this, std::span(words).subspan(i, 2)) && !s.helo_given) {
                    s.helo = view(words[i + 1]);
                    s.helo_given = true;
                }
        }
        s.strong = size() == 1 || m_markers.exim;
        return s;
    }
    if (is_ip_literal(name) && name_ip_accepted()) {
        s.ip = name;
        if (size() >= 2 && at(1).kind == Item::Kind::comment) {
            const auto words = inside(at(1));
            if (is_helo_comment(*this, words) && words.size() == 2) {
                s.helo = view(words[1]);
                s.helo_given = true;
            }
        }
        return s;
    }
    return std::nullopt;
}

// SpamAssassin takes a bare address as the name only in these shapes; other lines that start
// with an address are internal notes ("from 192.0.2.1 by host (filter)").
bool FromPart::name_ip_accepted() const
{
    const Item* host = after_by(1);
    if (!host)
        return false;
    const bool with_follows = after_by_is_word(2, "with");
    if (size() == 1) {
        if (with_follows || iends_with(view(*host), ".hotmail.msn.com"))
            return true;
        const Item* next = after_by(2);
        if (next && next->kind == Item::Kind::comment) {
            const std::string_view c = inner(*next);
            return c.starts_with("SMTPL") || c.starts_with("InterScan");
        }
        return false;
    }
    if (size() == 2 && at(1).kind == Item::Kind::comment) {
        const std::string_view c = inner(at(1));
        if (c.starts_with("HELO ") || c.starts_with("EHLO ") || c == "HELO" || c == "EHLO")
            return true;
        const bool letter = !c.empty() && ((c[0] >= 'a' && c[0] <= 'z') ||
                                           (c[0] >= 'A' && c[0] <= 'Z'));
        return letter && with_follows;
    }
    return (m_line.contains(" (SquirrelMail authenticated user ") ||
            m_line.contains(" (NaSMail authenticated user ")) &&
           m_line.contains(" with HTTP");
}

// SquirrelMail behind a proxy: "from proxy ([ip1]) (proxying for ip2) (SquirrelMail
// authenticated user u) by host with HTTP". SpamAssassin takes the first address that ends
// 10 to 80 characters before "by": usually the proxied client, but the proxy when the user
// name is short. We name the proxied client whenever the line gives one.
std::optional<Sender> FromPart::squirrelmail_client() const
{
    if (!m_line.contains(" (SquirrelMail authenticated user ") &&
        !m_line.contains(" (NaSMail authenticated user "))
        return std::nullopt;
    if (!m_shape.by_at || !after_by(1) || !after_by_is_word(2, "with"))
        return std::nullopt;
    const Item* proto = after_by(3);
    if (!proto || proto->kind != Item::Kind::word || !view(*proto).starts_with("HTTP"))
        return std::nullopt;
    for (std::size_t i = 1; i < size(); ++i) {
        const std::string_view c = at(i).kind == Item::Kind::comment ? inner(at(i)) : "";
        if (c.starts_with("proxying for ") && is_ip_literal(c.substr(13))) {
            Sender s;
            s.ip = c.substr(13);
            return s;
        }
    }
    const std::string_view text = m_line.text();
    const std::size_t by_begin = m_items[*m_shape.by_at].begin;
    auto ip_char = [](char c) {
        return is_digit(c) || c == '.' || c == ':' || (c >= 'a' && c <= 'f') ||
               (c >= 'A' && c <= 'F');
    };
    std::size_t i = 0;
    while (i < by_begin) {
        if (!ip_char(text[i]) || (i > 0 && (is_word_char(text[i - 1]) || text[i - 1] == ':'))) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < by_begin && ip_char(text[j]))
            ++j;
        const std::string_view run = text.substr(i, j - i);
        const bool ends_clean = j < text.size() && text[j] != '-' && !is_word_char(text[j]);
        if (ends_clean && is_ip_literal(run) && by_begin - j >= 10 && by_begin - j <= 80) {
            Sender s;
            s.ip = run;
            return s;
        }
        i = j;
    }
    return std::nullopt;
}

// qmail's "with SMTP" / "with QMQP" (possibly after "RC4-SHA encrypted"), and no " id "
// after it: Sendmail lines look alike but carry an id.
bool FromPart::qmail_protocol() const
{
    if (!m_shape.by_at)
        return false;
    bool after_with = false;
    for (std::size_t i = *m_shape.by_at + 1; i < m_items.size(); ++i) {
        const Item& item = m_items[i];
        if (item.kind == Item::Kind::semicolon)
            break;
        if (item.kind != Item::Kind::word)
            continue;
        const std::string_view w = view(item);
        if (!after_with) {
            after_with = w == "with";
            continue;
        }
        if (w.starts_with("SMTP") || w.starts_with("QMQP")) {
            const bool id_follows = i + 1 < m_items.size() &&
                                    m_items[i + 1].kind == Item::Kind::word &&
                                    view(m_items[i + 1]) == "id";
            if (!id_follows)
                return true;
        }
    }
    return false;
}

std::optional<Sender> FromPart::read() const
{
    if (size() == 0)
        return std::nullopt;
    const Item& head = at(0);
    if (head.kind == Item::Kind::comment) {
        // "from ([ip]) by", "from (rdns [ip]) by", "from ([ip:port] helo=x) by"
        auto s = from_comment(inside(head), {}, true);
        if (s) {
            s->strong = true;
            // With no name before it, the word in front of the address is the HELO.
            if (!s->helo_given && !s->rdns.empty()) {
                s->helo = s->rdns;
                s->rdns = {};
            }
        }
        return s;
    }
    if (head.kind != Item::Kind::word)
        return std::nullopt;
    const std::string_view name = view(head);
    if (size() >= 2 && at(1).kind == Item::Kind::comment && at(1).glued)
        if (auto s = from_glued(name, at(1)))
            return s;
    if (auto s = squirrelmail_client())
        return s;

    std::string_view helo;
    bool helo_given = false;
    bool first_comment = true;
    for (std::size_t i = 1; i < size(); ++i) {
        const Item& item = at(i);
        if (item.glued)
            continue;
        if (item.kind == Item::Kind::comment) {
            const auto words = inside(item);
            if (is_helo_comment(*this, words)) {
                helo = words.size() == 2 ? view(words[1]) : std::string_view{};
                helo_given = true;
                continue;
            }
            if (auto s = from_comment(words, name, first_comment)) {
                if (helo_given) {
                    s->helo = helo;
                    s->helo_given = true;
                }
                return s;
            }
            first_comment = false;
        } else if (item.kind == Item::Kind::word) {
            if (auto s = from_bare_bracket(name, view(item))) {
                // GMX: "rdns (EHLO helo) [ip]"
                if (helo_given) {
                    s->rdns = name;
                    s->helo = helo;
                    s->helo_given = true;
                }
                return s;
            }
        }
    }
    return from_name(name);
}

} // namespace fightback::trace::detail
