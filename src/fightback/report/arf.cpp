// The ARF writer. Every header line goes through HeaderWriter; every value from the reported
// mail is validated for its field (an address, a host name, a Message-ID) and left out when it
// does not pass; the letter's values are plain ASCII text.
#include "fightback/report/arf.hpp"

#include <random>

#include <fmt/format.h>

#include "fightback/report/header_text.hpp"
#include "fightback/report/mail_date.hpp"
#include "fightback/report/mime_text.hpp"

namespace fightback::report {
namespace {

std::string random_hex(std::size_t digits)
{
    static thread_local std::mt19937_64 engine{std::random_device{}()};
    std::string out;
    while (out.size() < digits)
        out += fmt::format("{:016x}", engine());
    out.resize(digits);
    return out;
}

std::string user_agent()
{
    return std::string("fightback/") + FIGHTBACK_VERSION;
}

std::string period_words(std::int64_t seconds)
{
    if (seconds % 86400 == 0)
        return seconds == 86400 ? "day" : fmt::format("{} days", seconds / 86400);
    if (seconds % 3600 == 0)
        return seconds == 3600 ? "hour" : fmt::format("{} hours", seconds / 3600);
    return fmt::format("{} seconds", seconds);
}

std::string listed_line(const ListedIncident& i)
{
    return fmt::format("  {}  {}  {}\n", readable_date(i.arrival),
                       i.original_id ? ascii_text(*i.original_id) : "(no Message-ID)",
                       header_phrase(i.detection, 80));
}

std::string letter_text(const ReportContent& c, const ComposeOptions& o, bool whole,
                        const std::optional<std::string>& reported_domain)
{
    const std::string detection = header_phrase(c.detection, 120);
    std::map<std::string, std::string, std::less<>> v;
    v["source_ip"] = c.source.to_string();
    v["arrival_date"] = rfc5322_date(c.arrival);
    v["detection"] = detection.empty() ? std::string("(not named)") : detection;
    v["feedback_type"] = std::string(feedback_type_name(c.type));
    if (c.type == FeedbackType::virus)
        v["what_arrived"] = detection.empty()
                                ? std::string("mail carrying a virus or worm")
                                : fmt::format("mail carrying {} (a virus or worm)", detection);
    else
        v["what_arrived"] = detection.empty() ? std::string("unsolicited mail (spam)")
                                              : fmt::format("unsolicited mail ({})", detection);
    v["incidents"] = std::to_string(c.incidents);
    v["first_date"] = readable_date(c.first_arrival ? c.first_arrival : c.arrival);
    v["last_date"] = readable_date(c.arrival);
    v["period"] = period_words(o.period_seconds);
    v["reporter_name"] = o.identity.name.empty() ? o.identity.address : ascii_text(o.identity.name);
    v["reporter_address"] = o.identity.address;
    v["reply_to"] = o.identity.reply_to.empty() ? o.identity.address : o.identity.reply_to;
    v["reported_domain"] = reported_domain ? *reported_domain : "unknown";
    v["original_message_id"] = c.original_id ? ascii_text(*c.original_id) : "(none)";
    v["user_agent"] = user_agent();
    v["attachment_note"] =
        whole ? "The message is attached unchanged."
              : "Only the header of the message is attached (it was large or not plain ASCII).";
    std::string list;
    if (c.incidents <= 1) {
        list = "This is the only such message from this address in this report.\n";
    } else {
        list = fmt::format("This report covers {} such messages from this address, from {} to {}.\n"
                           "The latest is attached; the others were:\n",
                           c.incidents, v["first_date"], v["last_date"]);
        std::size_t shown = 0;
        for (const auto& other : c.others) {
            if (shown++ == o.max_listed)
                break;
            list += listed_line(other);
        }
        if (c.others.size() > o.max_listed)
            list += fmt::format("  ... and {} more\n", c.others.size() - o.max_listed);
    }
    v["incident_list"] = std::move(list);
    return o.letter.render(v);
}

// The message/feedback-report fields; values checked one by one, bad ones left out.
Expected<std::string> feedback_fields(const ReportContent& c, const ComposeOptions& o,
                                      const std::optional<std::string>& reported_domain)
{
    HeaderWriter w;
    w.add("Feedback-Type", feedback_type_name(c.type));
    w.add("User-Agent", user_agent());
    w.add("Version", "1");
    if (c.mail_from) {
        if (auto a = envelope_address(*c.mail_from))
            w.add("Original-Mail-From", fmt::format("<{}>", *a));
    }
    if (o.include_rcpt_to && c.rcpt_to) {
        if (auto a = envelope_address(*c.rcpt_to); a && !a->empty())
            w.add("Original-Rcpt-To", fmt::format("<{}>", *a));
    }
    w.add("Arrival-Date", rfc5322_date(c.arrival));
    if (o.identity.reporting_mta)
        if (auto h = host_name(*o.identity.reporting_mta))
            w.add("Reporting-MTA", fmt::format("dns; {}", *h));
    w.add("Source-IP", c.source.to_string());
    w.add("Incidents", std::to_string(c.incidents < 1 ? 1 : c.incidents));
    if (reported_domain)
        w.add("Reported-Domain", *reported_domain);
    if (w.error())
        return std::unexpected(*w.error());
    return w.text();
}

} // namespace

std::string_view feedback_type_name(FeedbackType type)
{
    return type == FeedbackType::virus ? "virus" : "abuse";
}

std::optional<FeedbackType> parse_feedback_type(std::string_view text)
{
    if (text == "virus")
        return FeedbackType::virus;
    if (text == "abuse")
        return FeedbackType::abuse;
    return std::nullopt;
}

bool attach_whole(std::string_view original, std::size_t max_attached_bytes)
{
    return original.size() <= max_attached_bytes && is_7bit_clean(original);
}

std::string new_message_id(std::string_view reporter_address, std::int64_t now_ms)
{
    auto at = reporter_address.rfind('@');
    std::string_view domain =
        at == std::string_view::npos ? std::string_view("localhost") : reporter_address.substr(at + 1);
    return fmt::format("<fightback.{}.{}@{}>", now_ms, random_hex(20), domain);
}

Expected<std::string> compose_report(const ReportContent& c, const ComposeOptions& o)
{
    const Identity& id = o.identity;
    if (c.to.empty())
        return fail(ErrorKind::invalid, "a report needs a recipient");
    std::optional<std::string> reported_domain;
    if (c.reported_domain)
        if (auto h = host_name(*c.reported_domain))
            reported_domain = *h;

    const std::string_view original = without_mbox_line(c.original);
    const bool whole = !c.original_is_header_only && attach_whole(original, o.max_attached_bytes);
    std::string attached;
    std::string attached_type;
    std::string attached_encoding = "7bit";
    if (whole) {
        attached = to_crlf(original);
        attached_type = "message/rfc822";
    } else {
        std::string_view head = header_part(original);
        attached_type = "text/rfc822-headers";
        if (is_7bit_clean(head)) {
            attached = to_crlf(head);
        } else {
            attached = quoted_printable(head);
            attached_encoding = "quoted-printable";
        }
    }
    if (!attached.ends_with("\r\n"))
        attached += "\r\n";

    const std::string letter = letter_text(c, o, whole, reported_domain);
    std::string letter_body;
    std::string letter_encoding = "7bit";
    if (is_7bit_clean(letter)) {
        letter_body = to_crlf(letter);
    } else {
        letter_body = quoted_printable(letter);
        letter_encoding = "quoted-printable";
    }
    if (!letter_body.ends_with("\r\n"))
        letter_body += "\r\n";

    auto fields = feedback_fields(c, o, reported_domain);
    if (!fields)
        return std::unexpected(fields.error());

    // A boundary that occurs in none of the parts.
    std::string boundary;
    do {
        boundary = "=_fightback_" + random_hex(24);
    } while (attached.find(boundary) != std::string::npos ||
             letter_body.find(boundary) != std::string::npos);

    auto from = mailbox_field(id.name, id.address);
    if (!from)
        return std::unexpected(from.error());
    std::string cc;
    for (const auto& a : c.cc)
        cc += (cc.empty() ? "" : ", ") + a;
    const std::string detection = header_phrase(c.detection, 60);
    std::string subject = fmt::format("Abuse report: {} at {}", c.source.to_string(),
                                      readable_date(c.arrival));
    if (!detection.empty())
        subject += fmt::format(" ({})", detection);
    if (c.incidents > 1)
        subject += fmt::format(", {} incidents", c.incidents);

    HeaderWriter h;
    h.add("From", *from);
    h.add("To", c.to);
    if (!cc.empty())
        h.add("Cc", cc);
    h.add("Reply-To", id.reply_to.empty() ? id.address : id.reply_to);
    h.add("Subject", subject);
    h.add("Date", rfc5322_date(c.date));
    h.add("Message-ID", c.message_id);
    h.add("Auto-Submitted", "auto-generated");
    h.add("MIME-Version", "1.0");
    h.add("Content-Type", fmt::format("multipart/report; report-type=feedback-report; "
                                      "boundary=\"{}\"",
                                      boundary));
    if (h.error())
        return std::unexpected(*h.error());
    if (!message_id_value(c.message_id))
        return fail(ErrorKind::invalid, "the report's Message-ID is not <...>");

    std::string out = h.text();
    out += "\r\nThis is an abuse report in the Abuse Reporting Format (RFC 5965).\r\n";
    out += fmt::format("\r\n--{}\r\n", boundary);
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += fmt::format("Content-Transfer-Encoding: {}\r\n\r\n", letter_encoding);
    out += letter_body;
    out += fmt::format("\r\n--{}\r\n", boundary);
    out += "Content-Type: message/feedback-report\r\n\r\n";
    out += *fields;
    out += fmt::format("\r\n--{}\r\n", boundary);
    out += fmt::format("Content-Type: {}\r\n", attached_type);
    if (attached_encoding != "7bit")
        out += fmt::format("Content-Transfer-Encoding: {}\r\n", attached_encoding);
    out += "Content-Disposition: inline\r\n\r\n";
    out += attached;
    out += fmt::format("\r\n--{}--\r\n", boundary);
    return out;
}

} // namespace fightback::report
