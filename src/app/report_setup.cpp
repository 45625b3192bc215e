// Settings to objects, with every address validated before anything can be composed or sent.
#include "report_setup.hpp"

#include <fmt/format.h>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/report/header_text.hpp"
#include "fightback/send/sendmail_transport.hpp"
#include "fightback/send/smtp_transport.hpp"

namespace fightback::app {
namespace {

std::chrono::milliseconds millis(double seconds)
{
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

} // namespace

void SendFlags::add_to(CLI::App& command)
{
    command.add_option("--smtp-url", smtp_url,
                       "send through this server: smtp://HOST:PORT (STARTTLS required unless "
                       "[send] starttls says otherwise) or smtps://HOST:PORT");
    command.add_option("--reporter", reporter,
                       "the From of the reports: ADDRESS or 'Name <ADDRESS>' ([report] reporter)");
}

void SendFlags::apply(config::Config& config) const
{
    if (smtp_url) {
        config.send.smtp_url = *smtp_url;
        config.send.method = "smtp";
    }
    if (reporter)
        config.report.reporter = *reporter;
}

std::optional<std::filesystem::path> ledger_path(const config::Config& config)
{
    if (config.ledger.path)
        return config.ledger.path;
    if (config.contacts.ledger)
        return config.contacts.ledger;
    return ledger::default_ledger_path();
}

Expected<Reporting> reporting_setup(const config::Config& config,
                                    const std::optional<std::filesystem::path>& ledger)
{
    const auto& rc = config.report;
    const auto& sc = config.send;
    Reporting out;
    if (!rc.reporter)
        return fail(ErrorKind::invalid,
                    "no reporter identity: set [report] reporter = \"Name <address>\" in the "
                    "config, or give --reporter");
    std::string name, address;
    report::split_mailbox(*rc.reporter, name, address);
    auto reporter = abuse::normalize_mailbox(address);
    if (!reporter)
        return fail(ErrorKind::invalid,
                    fmt::format("[report] reporter: {}", reporter.error().message));
    auto& id = out.compose.identity;
    id.name = name;
    id.address = *reporter;
    if (auto display = report::mailbox_field(name, *reporter); !display)
        return fail(ErrorKind::invalid,
                    fmt::format("[report] reporter: {}", display.error().message));
    id.reply_to = id.address;
    if (rc.reply_to) {
        auto r = abuse::normalize_mailbox(*rc.reply_to);
        if (!r)
            return fail(ErrorKind::invalid, fmt::format("[report] reply_to: {}", r.error().message));
        id.reply_to = *r;
    }
    if (rc.reporting_mta) {
        auto h = report::host_name(*rc.reporting_mta);
        if (!h)
            return fail(ErrorKind::invalid,
                        fmt::format("[report] reporting_mta: {}", h.error().message));
        id.reporting_mta = *h;
    }
    if (rc.template_file) {
        auto letter = report::FormLetter::load(*rc.template_file);
        if (!letter)
            return std::unexpected(letter.error());
        out.compose.letter = std::move(*letter);
    }
    if (rc.include_rcpt_to)
        out.compose.include_rcpt_to = *rc.include_rcpt_to;
    if (rc.max_attached_bytes)
        out.compose.max_attached_bytes = *rc.max_attached_bytes;
    if (rc.max_listed)
        out.compose.max_listed = static_cast<std::size_t>(*rc.max_listed);
    if (rc.period) {
        out.restraint.period_seconds = static_cast<std::int64_t>(*rc.period);
        out.compose.period_seconds = out.restraint.period_seconds;
    }
    auto suppression = report::Suppression::make(rc.suppress_addresses,
                                                 rc.suppress_networks.value_or(""));
    if (!suppression)
        return std::unexpected(suppression.error());
    out.restraint.suppression = std::move(*suppression);

    auto& o = out.outbox;
    if (rc.per_recipient_limit)
        o.per_recipient_limit = *rc.per_recipient_limit;
    if (rc.per_recipient_window)
        o.per_recipient_window = millis(*rc.per_recipient_window);
    o.envelope_from = id.address;
    if (sc.envelope_from) {
        auto e = abuse::normalize_mailbox(*sc.envelope_from);
        if (!e)
            return fail(ErrorKind::invalid,
                        fmt::format("[send] envelope_from: {}", e.error().message));
        o.envelope_from = *e;
    }
    if (sc.retry_base)
        o.retry_base = millis(*sc.retry_base);
    if (sc.retry_max)
        o.retry_max = millis(*sc.retry_max);
    if (sc.max_attempts)
        o.max_attempts = *sc.max_attempts;
    if (sc.unknown_outcome && *sc.unknown_outcome == "assume-sent")
        o.unknown_outcome = send::UnknownOutcome::assume_sent;
    if (ledger)
        o.lock_file = std::filesystem::path(ledger->string() + ".outbox-lock");
    return out;
}

Expected<std::unique_ptr<send::Transport>> make_transport(const config::SendConfig& sc)
{
    const bool smtp = sc.method ? *sc.method == "smtp" : sc.smtp_url.has_value();
    if (!smtp) {
        send::SendmailOptions o;
        if (sc.sendmail)
            o.program = *sc.sendmail;
        if (sc.timeout)
            o.timeout = millis(*sc.timeout);
        return std::unique_ptr<send::Transport>(new send::SendmailTransport(o));
    }
    if (!sc.smtp_url)
        return fail(ErrorKind::invalid, "[send] method is smtp but smtp_url is not set");
    send::SmtpOptions o;
    o.url = *sc.smtp_url;
    if (sc.starttls)
        o.starttls = *send::parse_starttls(*sc.starttls);
    o.ca_file = sc.ca_file;
    if (sc.tls_verify)
        o.verify_peer = *sc.tls_verify;
    o.username = sc.username;
    if (sc.password && sc.password_file)
        return fail(ErrorKind::invalid, "[send]: give password or password_file, not both");
    if (sc.password) {
        o.password = sc.password;
    } else if (sc.password_file) {
        auto p = send::read_password_file(*sc.password_file);
        if (!p)
            return std::unexpected(p.error());
        o.password = *p;
    }
    if (sc.connect_timeout)
        o.connect_timeout = millis(*sc.connect_timeout);
    if (sc.timeout)
        o.timeout = millis(*sc.timeout);
    auto t = send::SmtpTransport::create(std::move(o));
    if (!t)
        return std::unexpected(t.error());
    return std::unique_ptr<send::Transport>(std::move(*t));
}

} // namespace fightback::app
