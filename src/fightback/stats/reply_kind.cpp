// Reading a reply from an abuse desk. The kind comes from the MIME report type first (RFC 3464
// delivery-status, RFC 5965 feedback-report), then the bounce conventions of common MTAs, then
// the auto-reply markers (RFC 3834 Auto-Submitted and the older X-Autoreply/Precedence), then a
// ticket in a subject that is not a person's "Re:".
#include "fightback/stats/reply_kind.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <gmime/gmime.h>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/text.hpp"

namespace fightback::stats {
namespace {

constexpr std::size_t max_subject = 512;
constexpr std::size_t max_body_scan = 1u << 20; // quoted originals sit near the top
constexpr std::size_t max_original_ids = 20;

std::string lower(std::string_view text)
{
    std::string out(text);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool starts_with_ci(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool contains_ci(std::string_view text, std::string_view needle)
{
    return lower(text).find(lower(needle)) != std::string::npos;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

// The value of a Content-Type parameter (report-type=...), lower-cased; no quoting subtleties
// are needed for the two tokens we look for.
std::string content_type_parameter(std::string_view content_type, std::string_view name)
{
    const auto text = lower(content_type);
    auto at = text.find(lower(name) + "=");
    if (at == std::string::npos)
        return {};
    at += name.size() + 1;
    std::string value;
    for (; at < text.size() && value.size() < 64; ++at) {
        const char c = text[at];
        if (c == '"')
            continue;
        if (c == ';' || std::isspace(static_cast<unsigned char>(c)))
            break;
        value += c;
    }
    return value;
}

std::string address_of(std::string_view from)
{
    auto lt = from.rfind('<');
    auto gt = from.rfind('>');
    std::string_view a = from;
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt)
        a = from.substr(lt + 1, gt - lt - 1);
    a = trim(a);
    if (a.find('@') == std::string_view::npos || a.size() > 254)
        return {};
    for (char c : a)
        if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == '"')
            return {};
    return lower(a);
}

bool is_bounce_subject(std::string_view subject)
{
    static constexpr std::array<std::string_view, 8> openings{
        "undelivered mail returned to sender", "delivery status notification",
        "mail delivery failed",                "returned mail:",
        "undeliverable:",                      "failure notice",
        "delivery failure",                    "mail delivery subsystem"};
    const auto s = trim(subject);
    return std::any_of(openings.begin(), openings.end(),
                       [&](std::string_view o) { return starts_with_ci(s, o); });
}

bool from_mailer_daemon(std::string_view address)
{
    return starts_with_ci(address, "mailer-daemon@") || starts_with_ci(address, "postmaster@");
}

bool auto_reply_headers(const mail::Message& m)
{
    if (auto v = m.header("Auto-Submitted"); v && !iequals(trim(*v), "no"))
        return true;
    for (const char* name : {"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"})
        if (m.header(name))
            return true;
    if (auto v = m.header("Precedence"))
        return iequals(trim(*v), "auto_reply");
    return false;
}

bool is_reply_prefix_subject(std::string_view subject)
{
    const auto s = trim(subject);
    for (std::string_view p : {"re:", "aw:", "sv:", "antw:", "res:", "r:"})
        if (starts_with_ci(s, p))
            return true;
    return false;
}

bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

// A tag: letters, digits, dots and dashes, at most 40 of them; lower-cased.
std::optional<std::string> tag_of(std::string_view text)
{
    text = trim(text);
    if (text.empty() || text.size() > 40)
        return std::nullopt;
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' &&
            c != ' ')
            return std::nullopt;
    return lower(text);
}

// "tag #123", "tag#123", "tag 123", "tag: 123", "tag id: 123" inside brackets.
std::optional<std::string> bracketed_ticket(std::string_view inside)
{
    std::size_t end = inside.size();
    while (end > 0 && is_digit(inside[end - 1]))
        --end;
    if (end == inside.size() || inside.size() - end > 20)
        return std::nullopt;
    const auto number = inside.substr(end);
    auto head = trim(inside.substr(0, end));
    if (!head.empty() && (head.back() == '#' || head.back() == ':'))
        head = trim(head.substr(0, head.size() - 1));
    if (head.size() > 3 && iequals(head.substr(head.size() - 3), " id"))
        head = trim(head.substr(0, head.size() - 3));
    auto tag = tag_of(head);
    if (!tag || tag->empty() || !std::isalpha(static_cast<unsigned char>((*tag)[0])))
        return std::nullopt;
    return *tag + "#" + std::string(number);
}

} // namespace

std::string_view to_string(ReplyKind kind)
{
    switch (kind) {
    case ReplyKind::auto_reply:
        return "auto-reply";
    case ReplyKind::feedback_report:
        return "feedback-report";
    case ReplyKind::bounce:
        return "bounce";
    case ReplyKind::personal:
        break;
    }
    return "personal";
}

std::optional<std::string> find_ticket(std::string_view subject)
{
    subject = subject.substr(0, max_subject);
    for (std::size_t open = subject.find('['); open != std::string_view::npos;
         open = subject.find('[', open + 1)) {
        const auto close = subject.find(']', open);
        if (close == std::string_view::npos)
            break;
        if (auto t = bracketed_ticket(subject.substr(open + 1, close - open - 1)))
            return t;
    }
    // Words desks put before a number outside brackets.
    static constexpr std::array<std::string_view, 7> words{"ticket", "case",  "incident", "abuse",
                                                           "ref",    "request", "issue"};
    const auto text = lower(subject);
    for (auto word : words) {
        for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
            if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1])))
                continue;
            std::size_t i = at + word.size();
            auto skip = [&] {
                while (i < text.size() && (text[i] == ' ' || text[i] == '#' || text[i] == ':' ||
                                           text[i] == '.'))
                    ++i;
            };
            skip();
            if (text.compare(i, 2, "id") == 0 && i + 2 < text.size() && !std::isalnum(
                    static_cast<unsigned char>(text[i + 2]))) {
                i += 2;
                skip();
            }
            const auto start = i;
            while (i < text.size() && is_digit(text[i]) && i - start < 20)
                ++i;
            if (i - start >= 2 && (i == text.size() || !std::isalnum(
                                                           static_cast<unsigned char>(text[i]))))
                return std::string(word) + "#" + text.substr(start, i - start);
        }
    }
    return std::nullopt;
}

std::string base_subject(std::string_view subject)
{
    std::string s(trim(subject.substr(0, max_subject)));
    static constexpr std::array<std::string_view, 14> prefixes{
        "re:",   "aw:",         "sv:",  "antw:", "res:",   "fwd:", "fw:", "wg:", "tr:",
        "auto:", "automatic reply:", "autoreply:", "out of office:", "r:"};
    for (bool changed = true; changed;) {
        changed = false;
        const auto t = trim(s);
        s = std::string(t);
        for (auto p : prefixes) {
            if (starts_with_ci(s, p)) {
                s.erase(0, p.size());
                changed = true;
            }
        }
        if (!s.empty() && s[0] == '[') {
            auto close = s.find(']');
            if (close != std::string::npos) {
                s.erase(0, close + 1);
                changed = true;
            }
        }
    }
    std::string out;
    for (char c : s) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!out.empty() && out.back() != ' ')
                out += ' ';
        } else {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

std::vector<std::string> message_ids(std::string_view value, std::size_t max)
{
    std::vector<std::string> ids;
    std::size_t at = 0;
    while (ids.size() < max) {
        const auto lt = value.find('<', at);
        if (lt == std::string_view::npos)
            break;
        const auto gt = value.find('>', lt);
        if (gt == std::string_view::npos)
            break;
        const auto id = value.substr(lt + 1, gt - lt - 1);
        at = gt + 1;
        if (id.empty() || id.size() > 250 || id.find('@') == std::string_view::npos)
            continue;
        bool clean = std::all_of(id.begin(), id.end(), [](char c) {
            return static_cast<unsigned char>(c) > ' ' && static_cast<unsigned char>(c) < 127;
        });
        if (clean)
            ids.emplace_back(id);
    }
    return ids;
}

ReplyFacts read_reply(const mail::Message& message)
{
    ReplyFacts f;
    f.subject = printable(message.header("Subject").value_or("").substr(0, max_subject));
    f.base_subject = base_subject(f.subject);
    f.ticket = find_ticket(f.subject);
    if (auto from = message.header("From"))
        f.from_address = address_of(*from);
    if (auto id = message.header("Message-ID")) {
        auto ids = message_ids(*id, 1);
        if (!ids.empty())
            f.message_id = ids.front();
    }
    if (auto v = message.header("In-Reply-To"))
        f.in_reply_to = message_ids(*v);
    if (auto v = message.header("References"))
        f.references = message_ids(*v);
    if (auto v = message.header("Date")) {
        if (GDateTime* dt = g_mime_utils_header_decode_date(v->c_str())) {
            f.date_ms = g_date_time_to_unix(dt) * 1000;
            g_date_time_unref(dt);
        }
    }

    // The body: Message-ID fields of a quoted or attached original, and ARF's Source-IP.
    const std::string_view bytes = message.bytes();
    const auto body_start = std::min(bytes.size(), message.header_block().size());
    const auto body = bytes.substr(body_start, max_body_scan);
    std::size_t line = 0;
    while (line < body.size()) {
        auto end = body.find('\n', line);
        if (end == std::string_view::npos)
            end = body.size();
        const auto text = trim(body.substr(line, end - line));
        line = end + 1;
        if (starts_with_ci(text, "message-id:") && f.original_ids.size() < max_original_ids) {
            for (auto& id : message_ids(text.substr(11), 1))
                f.original_ids.push_back(std::move(id));
        } else if (starts_with_ci(text, "source-ip:") && f.addresses.size() < 4) {
            if (auto ip = net::IpAddress::parse(trim(text.substr(10))))
                f.addresses.push_back(ip->to_string());
        }
    }
    // An address in the subject (our complaints name the source there).
    std::string token;
    for (std::size_t i = 0; i <= f.subject.size() && f.addresses.size() < 4; ++i) {
        const char c = i < f.subject.size() ? f.subject[i] : ' ';
        if (std::isxdigit(static_cast<unsigned char>(c)) || c == '.' || c == ':') {
            if (token.size() < 45)
                token += c;
            continue;
        }
        while (!token.empty() && (token.back() == '.' || token.back() == ':'))
            token.pop_back();
        if (token.find_first_of(".:") != std::string::npos)
            if (auto ip = net::IpAddress::parse(token))
                f.addresses.push_back(ip->to_string());
        token.clear();
    }

    const auto content_type = message.header("Content-Type").value_or("");
    const auto report_type = content_type_parameter(content_type, "report-type");
    const bool report = contains_ci(content_type, "multipart/report");
    if (report && report_type == "delivery-status")
        f.kind = ReplyKind::bounce;
    else if (report && report_type == "feedback-report")
        f.kind = ReplyKind::feedback_report;
    else if (is_bounce_subject(f.subject) ||
             (from_mailer_daemon(f.from_address) && contains_ci(f.subject, "deliver")))
        f.kind = ReplyKind::bounce;
    else if (auto_reply_headers(message))
        f.kind = ReplyKind::auto_reply;
    else if (f.ticket && !is_reply_prefix_subject(f.subject))
        f.kind = ReplyKind::auto_reply;
    else
        f.kind = ReplyKind::personal;
    return f;
}

} // namespace fightback::stats
