// What a Received line is when its from-part has been read: a handover, a fetch, a local
// line or one we cannot read. The order follows SpamAssassin's: a few kinds of line are set
// aside before any address is looked for, POP/IMAP markers lose to the shapes it matches
// first, and its last resort (any "[address]" on the line) comes after the local-line rules.
#include "fightback/trace/received_sender.hpp"

namespace fightback::trace::detail {
namespace {

// Why a line with no readable sender address is not a handover, when we can tell; empty
// when it looks like one we cannot read.
std::string local_reason(const FromPart& part, const ScannedLine& line)
{
    const std::size_t n = part.units();
    if (n == 0)
        return {};
    if (line.contains("(LSMTP for "))
        return "L-Soft LSMTP gateway line without a sender address";
    const std::string_view name = part.view(part.at(0));
    if (name == "Unknown/Local")
        return "local submission (Unknown/Local)";
    if (n == 2 && part.at(1).kind == Item::Kind::comment && !part.at(1).glued &&
        part.after_by(2) && part.after_by(2)->kind == Item::Kind::comment &&
        part.inner(*part.after_by(2)).starts_with("Content Technologies "))
        return "Content Technologies gateway line without a sender address";
    if (n == 1 && part.has_by()) {
        if (contains(name, "@"))
            return "from a local user (from user@host by ...): not a network handover";
        // What follows the host as one run of non-space characters ("host(JetMail 2.5)"
        // runs into its comment), then a with/via/for keyword or a comment.
        const Item* host = part.after_by(1);
        if (!host || host->kind != Item::Kind::word)
            return {};
        std::size_t k = 2;
        while (part.after_by(k) && part.after_by(k)->glued) {
            if (contains(part.view(*part.after_by(k)), " "))
                return {};
            ++k;
        }
        const Item* next = part.after_by(k);
        if (next && (next->kind == Item::Kind::comment || part.after_by_is_word(k, "with") ||
                     part.after_by_is_word(k, "via") || part.after_by_is_word(k, "for")))
            return "no sender address (from NAME by HOST): an internal or local handover";
        return {};
    }
    if (n == 2 && part.at(1).kind == Item::Kind::comment) {
        const std::string_view c = part.inner(part.at(1));
        const std::string_view host = c.substr(c.find('@') == std::string_view::npos
                                                   ? 0
                                                   : c.find('@') + 1);
        if (iequals(host, "localhost") || iequals(host, "localhost.localdomain") ||
            host == "127.0.0.1")
            return "local submission (" + clean(c).str() + "): not a network handover";
        if (c == "[unix socket]")
            return "LMTP over a unix socket: not a network handover";
        if (c.ends_with("[[UNIX: localhost]]") || c.ends_with(" [local]"))
            return "local (unix socket) submission: not a network handover";
        if (c == "unverified")
            return "no sender address recorded (unverified)";
    }
    if (n == 3 && part.has_by() && part.at(1).kind == Item::Kind::word) {
        const std::string_view w = part.view(part.at(1));
        if (w == "with" || w == "via" || w == "for")
            return "no sender address (from NAME " + std::string(w) +
                   " ... by HOST): an internal handover";
    }
    return {};
}

// `phrase` with a word boundary on both sides.
bool has_phrase(const ScannedLine& line, std::string_view phrase)
{
    const std::string_view text = line.text();
    for (std::size_t at = line.find(phrase); at != std::string_view::npos;
         at = line.find(phrase, at + 1)) {
        const std::size_t end = at + phrase.size();
        if ((at == 0 || !is_word_char(text[at - 1])) &&
            (end == text.size() || !is_word_char(text[end])))
            return true;
    }
    return false;
}

// Exim's "with local", "with local-esmtp", "with local-bsmtp": submission on the host itself.
bool exim_local(const ScannedLine& line)
{
    const std::string_view text = line.text();
    for (std::size_t at = line.find("with local"); at != std::string_view::npos;
         at = line.find("with local", at + 1)) {
        if (at > 0 && text[at - 1] != ' ' && text[at - 1] != '(')
            continue;
        std::size_t end = at + 10;
        if (end < text.size() && text[end] == '-')
            while (end < text.size() && text[end] != ' ')
                ++end;
        if (end < text.size() && text[end] == ' ')
            return true;
    }
    return false;
}

} // namespace

std::optional<std::string_view> first_bracketed_ip(std::string_view text)
{
    std::size_t close = 0;
    for (std::size_t open = text.find('['); open != std::string_view::npos;
         open = text.find('[', open + 1)) {
        // The first ']' after an earlier '[' is still the first one after this '[' while it
        // lies ahead: looking again would make "[[[[...]" quadratic.
        if (close <= open)
            close = text.find(']', open + 1);
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view inside = text.substr(open + 1, close - open - 1);
        if (is_ip_literal(inside))
            return inside;
    }
    return std::nullopt;
}

SenderResult find_sender(const LineShape& shape)
{
    const FromPart part(shape);
    const ScannedLine& line = *shape.line;
    SenderResult result;
    result.ms_server = part.markers().ms_server;

    auto skip = [&](std::string reason) {
        result.kind = HopKind::skipped;
        result.reason = std::move(reason);
        return result;
    };

    // Lines SpamAssassin sets aside before it looks for any address.
    if (has_phrase(line, "with local for"))
        return skip("local delivery (with local): not a network handover");
    if (part.units() == 1) {
        const std::string_view name = part.view(part.at(0));
        std::size_t k = 2;
        while (part.after_by(k) && part.after_by(k)->glued &&
               !contains(part.view(*part.after_by(k)), " ") &&
               part.after_by(k)->kind != Item::Kind::semicolon)
            ++k;
        const Item* after = part.after_by(k);
        const bool literal = name.size() > 2 && name.front() == '[' && name.back() == ']' &&
                             name.find_first_not_of("0123456789.", 1) == name.size() - 1;
        if (after && after->kind == Item::Kind::semicolon && !literal)
            return skip("no sender address (from NAME by HOST;): not a network handover");
    }
    if (part.markers().smtpsvc && part.size() == 3 &&
        part.view(part.at(0)) == "mail" && part.view(part.at(1)) == "pickup" &&
        part.view(part.at(2)) == "service")
        return skip("Microsoft pickup directory: local submission");
    if (part.markers().exim && exim_local(line))
        return skip("Exim local submission (with local...): not a network handover");

    result.sender = part.read();
    // Fetchmail and getmail write "with POP3" / "with IMAP".
    const bool fetch = line.contains("with POP3") || line.contains("with IMAP");
    if (fetch && !(result.sender && result.sender->strong)) {
        result.kind = HopKind::fetch;
        result.reason = "POP/IMAP fetch by a mail retriever";
        return result;
    }
    if (result.sender) {
        if (part.has_by()) {
            result.kind = HopKind::handover;
        } else {
            result.kind = HopKind::unparseable;
            result.reason = "no `by` host";
        }
        return result;
    }
    if (std::string reason = local_reason(part, line); !reason.empty())
        return skip(std::move(reason));
    if (exim_local(line))
        return skip("local submission (with local...): not a network handover");
    // Last resort, as in SpamAssassin: any bracketed address on the line.
    if (const auto ip = first_bracketed_ip(line.text()); ip && part.has_by()) {
        Sender s;
        s.ip = *ip;
        if (part.size() > 0 && part.at(0).kind == Item::Kind::word)
            s.helo = part.view(part.at(0));
        result.sender = s;
        result.kind = HopKind::handover;
        return result;
    }
    result.kind = HopKind::unparseable;
    result.reason = "no sender IP address in a from-part";
    if (part.size() > 0 && part.at(0).kind == Item::Kind::word) {
        Sender s;
        s.helo = part.view(part.at(0));
        result.sender = s;
    }
    return result;
}

} // namespace fightback::trace::detail
