// parse_received: one Received value to a Hop. The scanner splits the line into words and
// comments; the from-part (between "from" and "by") is then read by shape: which comment
// holds the sender's address and in which form ("helo (rdns [ip])", "([ip] helo=x)",
// "(HELO x) (ip)", "name [ip]", ...). SpamAssassin's Received.pm is the reference for which
// lines count, which address a line names and which lines are fetches; where our reading of
// a shape is kept on purpose although SpamAssassin reads it otherwise, a comment says so.
#include "fightback/trace/received_parser.hpp"

#include "fightback/trace/received_fields.hpp"
#include "fightback/trace/received_scan.hpp"
#include "fightback/trace/received_sender.hpp"

namespace fightback::trace {
namespace {

using namespace detail;

// The length is compared first, inline: most items are not the keyword looked for.
inline bool is_word(const ScannedLine& line, const Item& item, std::string_view word)
{
    return item.kind == Item::Kind::word && item.end - item.begin == word.size() &&
           iequals(line.view(item), word);
}

// The value after a keyword such as "with" or "for", searched from the `by` keyword on so
// that words in the from-part ("from x with LMTP by y") do not count unless the rest has none.
std::optional<std::size_t> keyword_value(const LineShape& shape, std::string_view keyword)
{
    if (!shape.by_at)
        return std::nullopt;
    const auto& items = shape.items;
    auto search = [&](std::size_t begin, std::size_t end) -> std::optional<std::size_t> {
        for (std::size_t i = begin; i < end && i + 1 < items.size(); ++i)
            if (is_word(*shape.line, items[i], keyword) &&
                items[i + 1].kind == Item::Kind::word)
                return i + 1;
        return std::nullopt;
    };
    if (auto at = search(*shape.by_at, items.size()))
        return at;
    return search(1, *shape.by_at);
}

std::optional<MailText> protocol_of(const LineShape& shape)
{
    const auto at = keyword_value(shape, "with");
    if (!at)
        return std::nullopt;
    const ScannedLine& line = *shape.line;
    const auto& items = shape.items;
    std::string proto(line.view(items[*at]));
    // "with Microsoft SMTPSVC(6.0.3790.0)", "with Microsoft SMTP Server (...)": the product
    // name is the protocol worth showing.
    if (proto == "Microsoft" && *at + 1 < items.size() &&
        items[*at + 1].kind == Item::Kind::word) {
        proto += ' ';
        proto += line.view(items[*at + 1]);
        if (*at + 2 < items.size() && is_word(line, items[*at + 2], "Server"))
            proto += " Server";
    }
    return clean(proto);
}

std::optional<MailText> recipient_of(const LineShape& shape)
{
    if (!shape.by_at)
        return std::nullopt;
    const auto at = keyword_value(shape, "for");
    if (!at || *at < *shape.by_at)
        return std::nullopt;
    std::string_view value = shape.line->view(shape.items[*at]);
    while (!value.empty() && (value.front() == '<'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == '>' || value.back() == ','))
        value.remove_suffix(1);
    if (value.empty())
        return std::nullopt;
    return clean(value);
}

std::optional<std::int64_t> date_of(const LineShape& shape)
{
    const auto& items = shape.items;
    for (std::size_t i = items.size(); i-- > 0;)
        if (items[i].kind == Item::Kind::semicolon)
            return parse_mail_date(shape.line->rest(items[i].end));
    return std::nullopt;
}

// Lines that do not start with a from-part: by-only lines, qmail's "(qmail N invoked ...)",
// list managers and filters that note themselves.
std::string no_from_reason(const ScannedLine& line, std::span<const Item> items)
{
    if (items.empty())
        return "empty value";
    if (is_word(line, items[0], "by"))
        return "by-only line: mail made or delivered locally, not a network handover";
    if (items[0].kind == Item::Kind::comment) {
        const std::string_view inside = line.inner(items[0]);
        if (istarts_with(inside, "qmail ") && contains(inside, "invoked"))
            return "qmail local injection (qmail N invoked ...), not a network handover";
    }
    return "no from-part: not a network handover";
}

void store_sender(Hop& hop, const Sender& sender)
{
    if (!sender.ip.empty()) {
        if (auto ip = net::IpAddress::parse_lenient(sender.ip))
            hop.ip = *ip;
        else
            hop.ip_text = clean(sender.ip);
    }
    if (!sender.helo.empty() || sender.helo_given)
        hop.helo = clean(sender.helo);
    std::string_view rdns = sender.rdns;
    // Strip the dot of a fully qualified name; "unknown" and "[...]" mean there was none.
    while (!rdns.empty() && rdns.back() == '.')
        rdns.remove_suffix(1);
    if (!rdns.empty() && !iequals(rdns, "unknown") && rdns.front() != '[')
        hop.rdns = clean(rdns);
    if (!sender.ident.empty())
        hop.ident = clean(sender.ident);
    hop.mta_looked_up_dns = sender.looked_up_dns;
}

// "(from user@localhost) by host": sendmail -t and friends writing for a local user. The
// Norton gateway is the one handover written this way.
void parse_paren_from(const LineShape& shape, Hop& hop)
{
    const ScannedLine& line = *shape.line;
    const std::string_view inside = line.inner(shape.items[0]).substr(5);
    if (const auto ip = first_bracketed_ip(line.text()); ip && shape.by_at) {
        hop.kind = HopKind::handover;
        hop.reason.clear();
        Sender sender;
        sender.ip = *ip;
        const auto words = line.split(shape.items[0].begin + 6, shape.items[0].end - 1);
        if (!words.empty() && words[0].kind == Item::Kind::word &&
            !line.view(words[0]).starts_with("["))
            sender.helo = line.view(words[0]);
        store_sender(hop, sender);
        return;
    }
    hop.kind = HopKind::skipped;
    hop.reason = contains(inside, "@")
                     ? "local submission (from user@host): not a network handover"
                     : "no sender address in (from ...)";
    if (!contains(inside, "@"))
        hop.kind = HopKind::unparseable;
}

} // namespace

Hop parse_received(std::string_view value)
{
    Hop hop;
    parse_received(value, hop);
    return hop;
}

void parse_received(std::string_view value, Hop& hop)
{
    const ScannedLine line(value, max_received_length);
    // Made with its items so that they stay in the line's arena.
    LineShape shape{.line = &line, .items = line.split(), .from_end = 0, .by_at = {},
                    .effective_end = 0};
    const auto& items = shape.items;
    const std::string_view text = line.text();

    shape.effective_end = date_cut(text);

    // Reported whatever the kind: a handover read from a cut value may have lost its tail.
    auto note_cut = [&](Hop& h) {
        if (!line.was_cut())
            return;
        if (!h.reason.empty())
            h.reason += "; ";
        h.reason += "value cut to " + std::to_string(max_received_length) + " bytes";
    };

    const bool from_word = !items.empty() && is_word(line, items[0], "from");
    const bool paren_from = !items.empty() && items[0].kind == Item::Kind::comment &&
                            istarts_with(line.inner(items[0]), "from ");

    // Keywords first: they are needed whatever the line turns out to be. The word after
    // "from" is a name even when it reads "by"; a by-only line starts with its keyword.
    shape.from_end = items.size();
    const std::size_t by_search = from_word ? 2 : paren_from ? 1 : 0;
    for (std::size_t i = by_search; i < items.size(); ++i)
        if (is_word(line, items[i], "by")) {
            shape.by_at = i;
            shape.from_end = i;
            break;
        }
    if (shape.by_at && *shape.by_at + 1 < items.size() &&
        items[*shape.by_at + 1].kind == Item::Kind::word)
        hop.by = clean(line.view(items[*shape.by_at + 1]));
    hop.protocol = protocol_of(shape);
    hop.for_addr = recipient_of(shape);
    hop.id = find_queue_id(line);
    hop.date = date_of(shape);

    if (!from_word && !paren_from) {
        hop.kind = HopKind::skipped;
        hop.reason = no_from_reason(line, items);
        note_cut(hop);
        return;
    }
    if (auto auth = find_auth(shape))
        hop.auth = clean(*auth);
    if (paren_from) {
        hop.kind = HopKind::unparseable;
        parse_paren_from(shape, hop);
        note_cut(hop);
        return;
    }
    hop.envfrom = find_envelope_sender(line);

    SenderResult found = find_sender(shape);
    if (found.sender)
        store_sender(hop, *found.sender);
    if (found.ms_server)
        hop.id.reset(); // Exchange's "id" is its build number, not a queue id
    hop.kind = found.kind;
    hop.reason = std::move(found.reason);
    note_cut(hop);
}

} // namespace fightback::trace
