// Authentication markers, envelope sender and queue id of a Received line. The markers are
// the ones SpamAssassin's Received.pm accepts (it sets `auth`, which extends trust), checked
// in its order because the first one found names the method. Each check is a forward scan
// over the folded line with short fixed needles, so the whole file stays linear.
#include "fightback/trace/received_fields.hpp"

#include <array>

namespace fightback::trace::detail {
namespace {

bool is_space(char c)
{
    return c == ' ';
}

// The run of non-space characters starting at `at`.
std::string_view word_at(std::string_view text, std::size_t at)
{
    std::size_t end = at;
    while (end < text.size() && !is_space(text[end]))
        ++end;
    return text.substr(at, end - at);
}

// RFC 3848 / RFC 6531 "...A" protocols, Earthlink/Exim's ASMTP, and the HTTP forms webmail
// front ends write (SpamAssassin counts webmail as authenticated).
std::optional<std::string> auth_by_protocol(const ScannedLine& line)
{
    const std::string_view text = line.text();
    static constexpr std::array<std::string_view, 12> protocols = {
        "ESMTPA",    "ESMTPSA",    "LMTPA",     "LMTPSA", "UTF8SMTPA", "UTF8SMTPSA",
        "UTF8LMTPA", "UTF8LMTPSA", "ASMTP",     "HTTP",   "HTTPS",     "HTTPU"};
    if (!line.contains(" by "))
        return std::nullopt;
    for (std::size_t at = line.ifind(" with "); at != std::string_view::npos;
         at = line.ifind(" with ", at + 1)) {
        std::string_view word = word_at(text, at + 6);
        if (const auto semi = word.find(';'); semi != std::string_view::npos)
            word = word.substr(0, semi);
        for (auto p : protocols)
            if (iequals(word, p))
                return std::string(word);
    }
    return std::nullopt;
}

bool all_of(std::string_view s, bool (*pred)(char))
{
    for (char c : s)
        if (!pred(c))
            return false;
    return true;
}

bool is_lower_or_digit(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z');
}

bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

// Gmail's submission ids ("a4sm1234567abc.12.2010.01.02.03.04.05"): Gmail writes ESMTPS for
// authenticated submission, and only the id shape gives it away.
bool is_gmail_submission_id(std::string_view id)
{
    for (std::size_t k = 1; k <= 4 && k + 2 <= id.size(); ++k) {
        if (!all_of(id.substr(0, k), is_lower_or_digit) || id.substr(k, 2) != "sm")
            continue;
        std::size_t i = k + 2;
        auto run = [&](bool (*pred)(char), std::size_t min, std::size_t max) {
            std::size_t n = 0;
            while (i < id.size() && pred(id[i]) && n < max + 1) {
                ++i;
                ++n;
            }
            return n >= min && n <= max;
        };
        auto dot = [&] {
            if (i < id.size() && id[i] == '.') {
                ++i;
                return true;
            }
            return false;
        };
        auto two_digits_upto_6 = [&] {
            if (i + 1 < id.size() && id[i] >= '0' && id[i] <= '6' && is_digit(id[i + 1])) {
                i += 2;
                return true;
            }
            return false;
        };
        if (!run(is_digit, 2, 9) || !run(is_lower, 3, 3) || !dot() || !run(is_digit, 1, 3) ||
            !dot() || !run(is_digit, 4, 4) || !dot())
            continue;
        bool ok = true;
        for (int g = 0; g < 4 && ok; ++g)
            ok = two_digits_upto_6() && dot();
        if (ok && two_digits_upto_6())
            return true;
    }
    return false;
}

std::optional<std::string> auth_gmail(const ScannedLine& line)
{
    const std::string_view text = line.text();
    constexpr std::string_view marker = " by mx.google.com with ESMTPS id ";
    const auto at = line.find(marker);
    if (at == std::string_view::npos || !is_gmail_submission_id(text.substr(at + marker.size())))
        return std::nullopt;
    const auto v = line.find("(version=");
    if (v == std::string_view::npos)
        return std::nullopt;
    const std::string_view version = word_at(text, v + 9);
    const std::size_t after = v + 9 + version.size();
    if (text.substr(after).substr(0, 8) != " cipher=")
        return std::nullopt;
    const auto close = text.find(')', after + 8);
    if (close == std::string_view::npos || close == after + 8)
        return std::nullopt;
    return "GMail - transport=" + std::string(version) +
           " cipher=" + std::string(text.substr(after + 8, close - after - 8));
}

// Courier (and qmail patches): "... [192.0.2.1]) (AUTH: LOGIN user) by ...".
std::optional<std::string> auth_courier(const ScannedLine& line)
{
    const std::string_view text = line.text();
    static constexpr std::array<std::string_view, 4> methods = {"LOGIN", "PLAIN", "DIGEST-MD5",
                                                                "CRAM-MD5"};
    if (!text.starts_with("from "))
        return std::nullopt;
    for (std::size_t at = line.find(" (AUTH: "); at != std::string_view::npos;
         at = line.find(" (AUTH: ", at + 1)) {
        if (at < 2 || !(text.substr(at - 2, 2) == "])" || text.substr(at - 2, 2) == ")]"))
            continue;
        const std::size_t m = at + 8;
        for (auto method : methods) {
            if (text.substr(m, method.size()) != method || m + method.size() >= text.size() ||
                text[m + method.size()] != ' ')
                continue;
            const std::size_t u = m + method.size() + 1;
            const std::string_view user = word_at(text, u);
            if (user.size() > 1 && user.back() == ')' && text.substr(u + user.size(), 4) == " by ")
                return std::string(method);
            if (user.size() > 1 && user.back() == ',' &&
                text.find(") by ", u + user.size()) != std::string_view::npos)
                return std::string(method);
        }
    }
    return std::nullopt;
}

// Sendmail "(authenticated bits=0)", MDaemon, webmail and others: a comment saying
// "authenticated" somewhere after the closing of the sender's address comment.
std::optional<std::string> auth_comment(const ScannedLine& line)
{
    const std::string_view text = line.text();
    if (!line.contains("authenticated") || !text.starts_with("from "))
        return std::nullopt;
    // The earliest end of "]) ", "] (...)) " or ")] " leaves the most room for the rest.
    std::size_t anchor_end = std::string_view::npos;
    // The first ')' at or after some offset; remembered so that a run of "] (" stays linear.
    std::size_t close = 0;
    for (std::size_t i = 5; i + 2 < text.size() && anchor_end == std::string_view::npos; ++i) {
        if (text[i] == ']' && text[i + 1] == ')' && text[i + 2] == ' ') {
            anchor_end = i + 3;
        } else if (text[i] == ')' && text[i + 1] == ']' && text[i + 2] == ' ') {
            anchor_end = i + 3;
        } else if (text[i] == ']' && text[i + 1] == ' ' && text[i + 2] == '(') {
            if (close != std::string_view::npos && close < i + 3)
                close = text.find(')', i + 3);
            if (close != std::string_view::npos && close + 2 < text.size() &&
                text[close + 1] == ')' && text[close + 2] == ' ')
                anchor_end = close + 3;
        }
    }
    if (anchor_end == std::string_view::npos)
        return std::nullopt;
    const auto open = text.find('(', anchor_end);
    if (open == std::string_view::npos)
        return std::nullopt;
    const auto word = text.find("authenticated", open + 1);
    if (word == std::string_view::npos)
        return std::nullopt;
    const auto end = text.find(')', word + 13);
    if (end == std::string_view::npos || text.find(" by", end + 1) == std::string_view::npos)
        return std::nullopt;
    return std::string("Sendmail");
}

// GMX authenticates its users but writes plain SMTP; its "(HELO x) [ip] by mail.gmx.net"
// shape is what marks submission.
std::optional<std::string> auth_gmx(const LineShape& shape)
{
    const ScannedLine& line = *shape.line;
    const auto& items = shape.items;
    if (!shape.by_at || shape.from_end != 4)
        return std::nullopt;
    const Item& helo = items[2];
    const Item& ip = items[3];
    if (helo.kind != Item::Kind::comment || ip.kind != Item::Kind::word)
        return std::nullopt;
    const std::string_view h = line.inner(helo);
    if (!(h.starts_with("HELO ") || h.starts_with("EHLO ")) || !bracketed_ip(line.view(ip)))
        return std::nullopt;
    const std::size_t b = *shape.by_at;
    if (b + 4 >= items.size())
        return std::nullopt;
    const std::string_view host = line.view(items[b + 1]);
    if (host != "mail.gmx.net" && host != "mail.gmx.com")
        return std::nullopt;
    if (items[b + 2].kind != Item::Kind::comment || line.view(items[b + 3]) != "with")
        return std::nullopt;
    const std::string_view proto = line.view(items[b + 4]);
    for (std::string_view p : {std::string_view("ESMTP"), std::string_view("SMTP")})
        if (proto.starts_with(p))
            return "GMX (" + std::string(p) + " / " + std::string(host) + ")";
    return std::nullopt;
}

// Critical Path: "by host (4.5.123) (authenticated as user) id ...".
std::optional<std::string> auth_critical_path(const ScannedLine& line)
{
    const std::string_view text = line.text();
    constexpr std::string_view marker = " (authenticated as ";
    for (std::size_t at = line.find(marker); at != std::string_view::npos;
         at = line.find(marker, at + 1)) {
        if (at == 0 || text[at - 1] != ')')
            continue;
        const auto open = text.rfind('(', at - 1);
        if (open == std::string_view::npos)
            continue;
        // d{1,2}.d.d{3}(.d{1,3})?
        const std::string_view version = text.substr(open + 1, at - 1 - open - 1);
        std::array<std::size_t, 4> lengths{};
        std::size_t parts = 0, run = 0;
        bool digits_only = true;
        for (char c : version) {
            if (c == '.') {
                if (parts < lengths.size())
                    lengths[parts] = run;
                ++parts;
                run = 0;
            } else if (is_digit(c)) {
                ++run;
            } else {
                digits_only = false;
            }
        }
        if (parts < lengths.size())
            lengths[parts] = run;
        ++parts;
        const bool shape_ok = digits_only && (parts == 3 || parts == 4) && lengths[0] >= 1 &&
                              lengths[0] <= 2 && lengths[1] == 1 && lengths[2] == 3 &&
                              (parts == 3 || (lengths[3] >= 1 && lengths[3] <= 3));
        if (!shape_ok)
            continue;
        const auto by = text.find(") by ");
        if (by == std::string_view::npos || by >= open)
            continue;
        if (text.find(") id ", at + marker.size()) != std::string_view::npos)
            return std::string("CriticalPath");
    }
    return std::nullopt;
}

// Postfix with smtpd_sasl_authenticated_header: "(Authenticated sender: user) by host
// (Postfix) with ...". mail_name may rename "Postfix".
std::optional<std::string> auth_postfix(const ScannedLine& line)
{
    const std::string_view text = line.text();
    constexpr std::string_view marker = ") (Authenticated sender: ";
    for (std::size_t at = line.find(marker); at != std::string_view::npos;
         at = line.find(marker, at + 1)) {
        const std::size_t u = at + marker.size();
        const std::string_view user = word_at(text, u);
        if (user.size() < 2 || user.back() != ')')
            continue;
        std::size_t p = u + user.size();
        if (text.substr(p, 4) != " by ")
            continue;
        p += 4;
        const std::string_view host = word_at(text, p);
        p += host.size();
        if (host.empty() || text.substr(p, 2) != " (")
            continue;
        const auto close = text.find(')', p + 2);
        if (close == std::string_view::npos || close == p + 2 ||
            text.substr(close, 7) != ") with ")
            continue;
        const std::string_view name = text.substr(p + 2, close - p - 2);
        return name == "Postfix" ? std::string(name) : "Postfix (" + std::string(name) + ")";
    }
    return std::nullopt;
}

std::optional<std::string> auth_communigate(const ScannedLine& line)
{
    if (!line.contains(" (account "))
        return std::nullopt;
    for (std::size_t at = line.find("CommuniGate Pro "); at != std::string_view::npos;
         at = line.find("CommuniGate Pro ", at + 1)) {
        const std::string_view next = line.rest(at + 16);
        for (std::string_view p : {"HTTP", "SMTP", "XIMSS", "IMAP"})
            if (next.starts_with(p))
                return std::string("Communigate");
    }
    return std::nullopt;
}

std::optional<std::string> auth_exchange_dav(const ScannedLine& line)
{
    const std::string_view text = line.text();
    constexpr std::string_view marker = " with Microsoft Exchange Server HTTP-DAV";
    const auto at = line.find(marker);
    if (at == std::string_view::npos)
        return std::nullopt;
    const std::size_t after = at + marker.size();
    if (after < text.size() && is_word_char(text[after]))
        return std::nullopt;
    return std::string("HTTP-DAV");
}

// United Internet and others: "(via HTTP)".
std::optional<std::string> auth_via_http(const ScannedLine& line)
{
    const std::string_view text = line.text();
    if (!line.contains(" by "))
        return std::nullopt;
    for (std::size_t at = line.ifind(" (via http"); at != std::string_view::npos;
         at = line.ifind(" (via http", at + 1)) {
        const std::size_t p = at + 10;
        // HTTP followed by at most one more character, then ")" and a word end.
        for (std::size_t extra = 0; extra <= 1; ++extra) {
            const std::size_t close = p + extra;
            if (close >= text.size() || text[close] != ')')
                continue;
            if (extra == 1 && text[p] == ')')
                continue;
            const std::size_t after = close + 1;
            if (after == text.size() || text[after] == ' ' || text[after] == ';')
                return std::string(text.substr(at + 6, close - at - 6));
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> find_auth(const LineShape& shape)
{
    const ScannedLine& line = *shape.line;
    if (auto a = auth_by_protocol(line))
        return a;
    if (auto a = auth_gmail(line))
        return a;
    if (auto a = auth_courier(line))
        return a;
    if (auto a = auth_comment(line))
        return a;
    if (auto a = auth_gmx(shape))
        return a;
    if (auto a = auth_critical_path(line))
        return a;
    if (auto a = auth_postfix(line))
        return a;
    if (auto a = auth_communigate(line))
        return a;
    if (auto a = auth_exchange_dav(line))
        return a;
    return auth_via_http(line);
}

std::optional<MailText> find_envelope_sender(const ScannedLine& line)
{
    const std::string_view text = line.text();
    // The leftmost of the three markers wins, as in SpamAssassin's alternation.
    std::size_t best = std::string_view::npos;
    std::size_t value_at = 0;
    auto consider = [&](std::string_view marker, std::string_view separators) {
        for (std::size_t at = line.ifind(marker); at != std::string_view::npos && at < best;
             at = line.ifind(marker, at + 1)) {
            std::size_t p = at + marker.size();
            if (p < text.size() && separators.find(text[p]) != std::string_view::npos) {
                best = at;
                value_at = p + 1;
                return;
            }
            if (marker == "return-path" && p + 1 < text.size() && text[p] == ':' &&
                text[p + 1] == ' ') {
                best = at;
                value_at = p + 2;
                return;
            }
        }
    };
    consider("return-path", " ");
    consider("envelope-sender", " =");
    consider("envelope-from", " =");
    if (best == std::string_view::npos)
        return std::nullopt;
    std::string_view value = word_at(text, value_at);
    // Up to the last word character, then without the angle brackets.
    while (!value.empty() && !is_word_char(value.back()))
        value.remove_suffix(1);
    while (!value.empty() && value.front() == '<')
        value.remove_prefix(1);
    if (value.empty())
        return std::nullopt;
    return clean(value);
}

std::optional<MailText> find_queue_id(const ScannedLine& line)
{
    const std::string_view text = line.text();
    for (std::size_t at = line.find(" id "); at != std::string_view::npos;
         at = line.find(" id ", at + 1)) {
        std::size_t p = at + 4;
        if (p < text.size() && text[p] == '<')
            ++p;
        std::size_t end = p;
        while (end < text.size() && text[end] != ' ' && text[end] != '<' && text[end] != '>' &&
               text[end] != ';')
            ++end;
        if (end - p >= 3)
            return clean(text.substr(p, end - p));
    }
    return std::nullopt;
}

MailText clean(std::string_view text)
{
    // Each character mapped through a table, copied and cleaned in one pass. (The size handed
    // to the callback is not used: GCC 12 hands over the capacity it allocated.)
    static constexpr auto cleaned = [] {
        std::array<char, 256> table{};
        for (std::size_t c = 0; c < table.size(); ++c)
            table[c] = c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
        return table;
    }();
    std::string out;
    out.resize_and_overwrite(text.size(), [text](char* p, std::size_t) {
        for (std::size_t i = 0; i < text.size(); ++i)
            p[i] = cleaned[static_cast<unsigned char>(text[i])];
        return text.size();
    });
    return MailText(std::move(out));
}

} // namespace fightback::trace::detail
