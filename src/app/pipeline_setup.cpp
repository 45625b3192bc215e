// Building a scan/watch run from the config and flags, and the lines and summary it prints.
#include "pipeline_setup.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/mail/mbox.hpp"
#include "fightback/util/text.hpp"
#include "fightback/util/time_spec.hpp"
#include "ledger_option.hpp"

namespace fightback::app {
namespace {

SetupError setup_error(const Error& e)
{
    return SetupError{e.kind == ErrorKind::temporary ? exit_tempfail : exit_error, e.message};
}

} // namespace

void PipelineArgs::add_to(CLI::App& command)
{
    command.add_option("folders", folders,
                       "Maildir folders to scan (Maildir++ .Name folders too); `scan` also reads "
                       "mbox files, read-only (decided and reported, never moved)")
        ->required();
    command.add_flag("--dry-run", dry_run,
                     "decide everything, change nothing: no moves, no sends, no ledger writes "
                     "(the run's records live in memory)");
    command.add_flag("--no-send", no_send, "queue the complaints; `fightback outbox flush` sends");
    command.add_flag("--retry-errors", retry_errors,
                     "decide again the messages an earlier run recorded as failed (they are "
                     "skipped otherwise)");
    command.add_option("--since", since,
                       "only mail that arrived since DATE (2026-11-30, 2026-11-30T08:00Z, UTC) "
                       "or since a span ago (3d, 12h); older mail is left for a later run");
    command.add_option("--jobs", jobs, "worker threads (default: [scan] jobs, else 1)")
        ->check(CLI::Range(1, 64));
    command.add_option("--dns-server", recipients.dns_servers,
                       "DNS server HOST[:PORT] for contact zones and the domain route (repeatable)")
        ->allow_extra_args(false);
    command.add_flag("--no-dns", recipients.no_dns,
                     "skip the DNS contact zones and the domain route");
    recipients.contacts.add_to(command);
    scan.add_to(command);
    transport.add_to(command);
    trust.add_to(command);
}

void Tally::add(const pipeline::MessageResult& r)
{
    using pipeline::Outcome;
    if (r.outcome != Outcome::skipped && r.outcome != Outcome::vanished)
        ++scanned;
    switch (r.outcome) {
    case Outcome::clean: ++clean; break;
    case Outcome::complained: ++complained; break;
    case Outcome::unresolved: ++unresolved; break;
    case Outcome::too_old: ++too_old; break;
    case Outcome::review: ++review; break;
    case Outcome::quarantined: ++quarantined; break;
    case Outcome::skipped:
        if (!r.before_since)
            ++skipped;
        break;
    case Outcome::vanished: ++vanished; break;
    case Outcome::error:
        ++errors;
        if (r.temporary)
            ++temporary;
        break;
    }
    if (r.new_complaint)
        ++complaints_queued;
    if (r.failed_before)
        ++failed_before;
    if (r.before_since)
        ++before_since;
}

std::expected<std::unique_ptr<PipelineSession>, SetupError>
PipelineSession::create(const GlobalOptions& global, const PipelineArgs& args)
{
    std::unique_ptr<PipelineSession> s(new PipelineSession());
    s->m_args = args;
    s->m_dry_run = args.dry_run;
    auto config = load_config(global);
    if (!config)
        return std::unexpected(setup_error(config.error()));
    s->m_config = std::move(*config);
    auto& cfg = s->m_config;
    if (auto r = args.trust.apply(cfg.trust); !r)
        return std::unexpected(setup_error(r.error()));
    if (auto r = args.recipients.contacts.apply(cfg.contacts); !r)
        return std::unexpected(setup_error(r.error()));
    if (args.recipients.contacts.ledger)
        cfg.ledger.path = *args.recipients.contacts.ledger;
    if (auto r = args.scan.apply(cfg.scan); !r)
        return std::unexpected(setup_error(r.error()));
    args.transport.apply(cfg);
    s->m_jobs = args.jobs.value_or(cfg.scan.jobs.value_or(1));

    const auto path = ledger_path(cfg);
    if (!path)
        return std::unexpected(
            SetupError{exit_error, "no ledger path: set [ledger] path or XDG_DATA_HOME/HOME"});
    if (s->m_dry_run) {
        // The run's records go to memory; the real ledger, when there is one, only says
        // which messages were handled before.
        auto memory = ledger::Ledger::open_in_memory();
        if (!memory)
            return std::unexpected(setup_error(memory.error()));
        s->m_ledger.emplace(std::move(*memory));
        // Read-only: no ledger yet means nothing was handled before.
        auto real = open_ledger(*path, LedgerAccess::read);
        if (real)
            s->m_known.emplace(std::move(*real));
        else if (real.error().kind != ErrorKind::not_found)
            return std::unexpected(setup_error(real.error()));
    } else {
        auto real = open_ledger(*path, LedgerAccess::write);
        if (!real)
            return std::unexpected(setup_error(real.error()));
        s->m_ledger.emplace(std::move(*real));
    }

    auto reporting = reporting_setup(cfg, s->m_dry_run ? std::nullopt : path);
    if (!reporting)
        return std::unexpected(setup_error(reporting.error()));
    s->m_reporting.emplace(std::move(*reporting));
    auto classifier = make_classifier(cfg.scan, !args.scan.no_scan);
    if (!classifier)
        return std::unexpected(setup_error(classifier.error()));
    s->m_classifier.emplace(std::move(*classifier));
    s->m_complaints = std::make_unique<report::Complaints>(
        *s->m_ledger, s->m_reporting->restraint, s->m_reporting->compose);

    // The contact cache lives in the real ledger (a dry run reads none: it writes nothing).
    const ledger::Ledger* cache = s->m_dry_run ? nullptr : &*s->m_ledger;
    auto recipients = RecipientSearch::create(cfg, args.recipients, cache);
    if (!recipients)
        return std::unexpected(setup_error(recipients.error()));
    s->m_recipients = std::move(*recipients);
    pipeline::ContactSearch search = [searcher = s->m_recipients.get()](const net::IpAddress& ip) {
        return searcher->search(ip);
    };
    pipeline::PipelineOptions options;
    options.folders = cfg.folders;
    options.trust = cfg.trust;
    options.move = !s->m_dry_run;
    options.retry_errors = args.retry_errors;
    if (cfg.report.max_age)
        options.max_age = static_cast<std::int64_t>(*cfg.report.max_age);
    if (args.since) {
        const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
        auto since = util::parse_time_point(*args.since, now);
        if (!since)
            return std::unexpected(
                SetupError{exit_error, fmt::format("--since {}", since.error().message)});
        options.since = *since;
    }
    s->m_pipeline = std::make_unique<pipeline::Pipeline>(
        *s->m_classifier, *s->m_ledger, *s->m_complaints, std::move(search), std::move(options),
        s->m_known ? &*s->m_known : nullptr);
    if (!s->m_dry_run) {
        auto finished = s->m_pipeline->finish_interrupted();
        if (!finished)
            return std::unexpected(setup_error(finished.error()));
        if (*finished > 0)
            std::fprintf(stderr, "fightback: finished the records of %d move%s a stopped run made\n",
                         *finished, *finished == 1 ? "" : "s");
    }
    return s;
}

std::optional<send::FlushSummary> PipelineSession::flush()
{
    if (m_args.no_send)
        return std::nullopt;
    std::unique_ptr<send::Transport> transport;
    if (!m_dry_run) {
        auto made = make_transport(m_config.send);
        if (!made) {
            print_error(made.error().message);
            return std::nullopt;
        }
        transport = std::move(*made);
    }
    send::Outbox outbox(*m_ledger, *m_complaints, transport.get(), m_reporting->outbox);
    // A first scan of an old mailbox, or an outbreak, must not mail dozens of desks at once
    // unseen: past the burst limit everything new stays queued for the user to look at.
    auto summary = outbox.flush(std::nullopt, m_dry_run,
                                m_config.send.burst_limit.value_or(send::default_burst_limit));
    if (!summary) {
        print_error(fmt::format("outbox: {}", summary.error().message));
        return std::nullopt;
    }
    return std::move(*summary);
}

Expected<Mailboxes> list_mailboxes(const std::vector<std::string>& names, bool allow_mbox)
{
    Mailboxes out;
    for (const auto& name : names) {
        const std::filesystem::path folder(name);
        if (!mail::is_maildir(folder)) {
            std::error_code ec;
            if (allow_mbox && std::filesystem::is_regular_file(folder, ec) &&
                mail::looks_like_mbox(folder)) {
                out.mboxes.push_back(folder);
                continue;
            }
            return fail(ErrorKind::invalid,
                        fmt::format("{}: not a Maildir folder (no new/ and cur/){}", name,
                                    allow_mbox ? " nor an mbox file" : ""));
        }
        auto listed = mail::list_maildir(folder);
        if (!listed)
            return std::unexpected(listed.error());
        out.files.insert(out.files.end(), listed->begin(), listed->end());
    }
    return out;
}

Expected<std::vector<std::filesystem::path>> list_folders(const std::vector<std::string>& folders)
{
    auto listed = list_mailboxes(folders, false);
    if (!listed)
        return std::unexpected(listed.error());
    return std::move(listed->files);
}

void scan_mbox(pipeline::Pipeline& pipeline, const std::filesystem::path& mbox,
               const std::atomic<bool>& stop,
               const std::function<void(const pipeline::MessageResult&)>& on_result)
{
    auto reader = mail::MboxReader::open(mbox);
    if (!reader) {
        pipeline::MessageResult r;
        r.file = mbox;
        r.detail = fmt::format("{}: {}", mbox.string(), reader.error().message);
        r.temporary = reader.error().kind == ErrorKind::temporary;
        on_result(r);
        return;
    }
    while (!stop.load()) {
        auto next = reader->next();
        if (!next) { // a message over the size limit (skipped) or a read error (the end)
            pipeline::MessageResult r;
            r.file = mbox;
            r.detail = fmt::format("{}: {}", mbox.string(), next.error().message);
            on_result(r);
            continue;
        }
        if (!*next)
            return;
        on_result(pipeline.process_read_only(
            std::move((*next)->bytes),
            fmt::format("{}, message {}", mbox.string(), (*next)->index + 1)));
    }
}

std::optional<std::string> log_line(const pipeline::MessageResult& r)
{
    using pipeline::Outcome;
    if (r.outcome == Outcome::clean || r.outcome == Outcome::skipped)
        return std::nullopt;
    if (r.outcome == Outcome::error)
        return fmt::format("error: {}{}", printable(r.detail),
                           r.temporary ? " (temporary: the next run retries)" : "");
    return fmt::format("{}: {} ({}){}", printable(r.file.string()), to_string(r.outcome),
                       printable(r.detail),
                       r.moved_to ? fmt::format(" -> {}", printable(r.moved_to->string())) : "");
}

void print_summary(const Tally& t, const std::optional<send::FlushSummary>& flush, bool dry_run,
                   double seconds)
{
    std::printf("%s%zu scanned in %.1f s: %zu clean, %zu complained, %zu unresolved, %zu review, "
                "%zu quarantined, %zu errors; %zu handled before\n",
                dry_run ? "dry run: " : "", t.scanned, seconds, t.clean, t.complained,
                t.unresolved, t.review, t.quarantined, t.errors, t.skipped);
    if (t.errors > t.temporary)
        std::printf("%zu failed (left in place and recorded; later runs skip %s unless given "
                    "--retry-errors)\n",
                    t.errors - t.temporary, t.errors - t.temporary == 1 ? "it" : "them");
    if (t.too_old > 0)
        std::printf("%zu too old to report or of unknown age (filed as unresolved; "
                    "[report] max_age)\n",
                    t.too_old);
    if (t.before_since > 0)
        std::printf("%zu arrived before --since (left alone for a later run)\n", t.before_since);
    if (t.failed_before > 0)
        std::printf("%zu skipped that failed in an earlier run (--retry-errors tries again)\n",
                    t.failed_before);
    if (t.vanished > 0)
        std::printf("%zu vanished (deleted or moved away by another program while the run "
                    "went on)\n",
                    t.vanished);
    if (flush) {
        int would = 0;
        for (const auto& item : flush->items)
            if (item.outcome == "would-send")
                ++would;
        std::printf("complaints: %zu new, %d %s, %d deferred, %d failed, %d waiting (rate limit)\n",
                    t.complaints_queued, dry_run ? would : flush->sent,
                    dry_run ? "would be sent" : "sent", flush->deferred, flush->failed,
                    flush->waiting);
        if (flush->held > 0)
            std::printf("%d new complaint%s %s queued, not sent: more than [send] burst_limit "
                        "at once. See them with `fightback outbox list`; send them with "
                        "`fightback outbox flush`.\n",
                        flush->held, flush->held == 1 ? "" : "s",
                        dry_run ? "would be" : (flush->held == 1 ? "is" : "are"));
    } else {
        std::printf("complaints: %zu new (queued, not sent)\n", t.complaints_queued);
    }
}

int exit_code_for(const Tally& t)
{
    if (t.errors == 0)
        return exit_ok;
    if (t.errors == t.temporary)
        return exit_tempfail;
    return exit_some_failed;
}

} // namespace fightback::app
