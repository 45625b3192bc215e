// `fightback report [FILE|-]`: the complaint about one message, as it would be sent (an ARF
// report, printed); `--send` records the incident in the ledger, where it joins the period's
// complaint for the same source and recipient, and sends that complaint; `--queue` only
// records, for `outbox flush` to send. Recipients come from the contact search, or from
// --to/--cc. Exit: 0 printed, sent or queued (or nothing new needed sending), 1 nothing to
// send (no trustworthy contact, suppressed, no origin), 2 usage or I/O error, 75 deferred
// (the server or the registries said try later).
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "ledger_option.hpp"
#include "report_contacts.hpp"
#include "report_setup.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/source_networks.hpp"
#include "fightback/report/incident_facts.hpp"
#include "fightback/report/mime_text.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/trace/trace_json.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

constexpr int exit_tempfail = 75;

struct ReportArgs {
    std::string file = "-";
    bool send = false;
    bool queue = false;
    bool dry_run = false;
    std::string feedback_type = "abuse";
    std::string detection;
    RecipientFlags recipients;
    SendFlags transport;
    TrustFlags trust;
};

std::int64_t now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int fail_with(const Error& e)
{
    print_error(e.message);
    return e.kind == ErrorKind::temporary ? exit_tempfail : exit_error;
}

int run_report(const GlobalOptions& global, const ReportArgs& args)
{
    auto config = load_config(global);
    if (!config)
        return fail_with(config.error());
    if (auto r = args.trust.apply(config->trust); !r)
        return fail_with(r.error());
    if (auto r = args.recipients.contacts.apply(config->contacts); !r)
        return fail_with(r.error());
    if (args.recipients.contacts.ledger)
        config->ledger.path = *args.recipients.contacts.ledger;
    args.transport.apply(*config);
    auto type = report::parse_feedback_type(args.feedback_type);
    if (!type) {
        print_error("--feedback-type: expected virus or abuse");
        return exit_error;
    }

    Input input{args.file,
                args.file == "-" ? std::filesystem::path{} : std::filesystem::path(args.file),
                args.file == "-"};
    mail::LoadLimits limits;
    limits.headers_only = true;
    auto message = load_input(input, limits);
    if (!message)
        return fail_with(Error{message.error().kind,
                               fmt::format("{}: {}", args.file, message.error().message)});
    const std::int64_t start = now_ms();
    auto t = trace::trace_message(*message, trace::TraceOptions{config->trust, start / 1000});
    auto origin = t.origin_ip();
    if (!origin || !t.origin_routable) {
        print_error(origin ? fmt::format("{}: the origin {} is not a routable address; nothing "
                                         "to report",
                                         args.file, origin->to_string())
                           : fmt::format("{}: the trace names no origin; nothing to report",
                                         args.file));
        return exit_not_found;
    }

    // The ledger: created when sending; a preview records into a copy in memory of an existing
    // one (to show the aggregation a send would do), or into an empty one, and the file is never
    // written or created.
    const auto path = ledger_path(*config);
    const bool writes = (args.send || args.queue) && !args.dry_run;
    if (writes && !path) {
        print_error("no ledger path: set [ledger] path or XDG_DATA_HOME/HOME");
        return exit_error;
    }
    auto opened = path ? open_ledger(*path, writes ? LedgerAccess::write : LedgerAccess::copy)
                       : ledger::Ledger::open_in_memory();
    if (!opened && !writes && opened.error().kind == ErrorKind::not_found)
        opened = ledger::Ledger::open_in_memory();
    if (!opened)
        return fail_with(opened.error());
    std::optional<ledger::Ledger> ledger(std::move(*opened));

    auto setup = reporting_setup(*config, writes ? path : std::nullopt);
    if (!setup)
        return fail_with(setup.error());

    auto given = given_recipients(args.recipients);
    if (!given)
        return fail_with(given.error());
    abuse::Decision decision;
    if (*given) {
        decision = std::move(**given);
    } else {
        auto search = RecipientSearch::create(*config, args.recipients, &*ledger);
        if (!search)
            return fail_with(search.error());
        auto found = (*search)->search(*origin);
        if (!found)
            return fail_with(found.error());
        decision = std::move(found->decision);
        const auto range = found->range ? found->range->to_string() : std::string();
        if (writes && !found->registry.empty())
            if (auto r = ledger::note_source_network(*ledger,
                                                     {found->ip.to_string(), range,
                                                      found->network_name, found->registry},
                                                     start);
                !r)
                return fail_with(r.error());
    }
    if (!setup->compose.identity.reporting_mta) {
        auto facts = report::message_facts(*message, t, start / 1000);
        setup->compose.identity.reporting_mta = facts.receiving_host;
    }
    report::IncidentInput incident =
        report::make_incident(*message, t, decision, *type, args.detection, start / 1000);
    incident.location = args.file;

    // The transport is set up before anything is recorded, so a bad setting (a password
    // file others can read, a wrong URL) leaves no half-done incident behind.
    std::unique_ptr<send::Transport> transport;
    if (writes && args.send) {
        auto made = make_transport(config->send);
        if (!made)
            return fail_with(made.error());
        transport = std::move(*made);
    }
    report::Complaints complaints(*ledger, setup->restraint, setup->compose);
    if (!writes) {
        auto preview = complaints.preview(incident, start);
        if (!preview)
            return fail_with(preview.error());
        if (!preview->report) {
            print_error(fmt::format("nothing would be sent: {} ({})",
                                    report::disposition_name(preview->outcome.disposition),
                                    preview->outcome.reason));
            return preview->outcome.disposition == report::Disposition::late ||
                           preview->outcome.disposition == report::Disposition::duplicate
                       ? exit_ok
                       : exit_not_found;
        }
        const std::string text = report::to_lf(*preview->report);
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (args.send || args.queue)
            std::fprintf(stderr, "fightback: dry run: this report would be queued for %s\n",
                         printable(incident.to).c_str());
        return exit_ok;
    }

    auto outcome = complaints.record(incident, start);
    if (!outcome)
        return fail_with(outcome.error());
    // The message's history: how it was traced and whom the contacts named.
    if (outcome->disposition != report::Disposition::duplicate) {
        const ledger::MessageLog log(*ledger);
        const auto dump = [](const nlohmann::json& j) {
            return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        };
        nlohmann::json contacts{{"to", decision.to},         {"cc", decision.cc},
                                {"automatic", decision.automatic}, {"why", decision.why},
                                {"candidates", nlohmann::json::array()}};
        for (const auto& c : decision.candidates)
            contacts["candidates"].push_back({{"address", c.address}, {"source", c.source},
                                              {"score", c.score}, {"reason", c.reason}});
        if (auto r = log.note_trace(outcome->message, origin, trace::to_json(t), start / 1000);
            !r)
            return fail_with(r.error());
        if (auto r = log.note_contacts(outcome->message, decision.automatic, dump(contacts),
                                       start / 1000);
            !r)
            return fail_with(r.error());
        // The verdict is the user's: they asked for this report, naming what it was.
        const std::string named = args.detection.empty()
                                      ? std::string(report::feedback_type_name(*type))
                                      : args.detection;
        if (auto r = log.note_verdict(outcome->message, "report", named, "complain",
                                      start / 1000);
            !r)
            return fail_with(r.error());
    }
    using report::Disposition;
    switch (outcome->disposition) {
    case Disposition::suppressed:
    case Disposition::no_contact:
        std::printf("not reported: %s\n", printable(outcome->reason).c_str());
        return exit_not_found;
    case Disposition::duplicate:
    case Disposition::late:
        std::printf("recorded, nothing new to send: %s\n", printable(outcome->reason).c_str());
        return exit_ok;
    case Disposition::opened:
    case Disposition::joined:
        break;
    }
    if (!args.send) {
        std::printf("queued: complaint %lld (%s)\n", static_cast<long long>(*outcome->complaint),
                    outcome->disposition == Disposition::opened ? "new" : "joined");
        return exit_ok;
    }
    send::Outbox outbox(*ledger, complaints, transport.get(), setup->outbox);
    auto summary = outbox.flush(outcome->complaint);
    if (!summary)
        return fail_with(summary.error());
    auto entry = outbox.get(*outcome->complaint);
    if (!entry || !*entry)
        return exit_error;
    const auto& e = **entry;
    std::printf("complaint %lld (%d incident%s) to %s%s%s: %s%s%s\n",
                static_cast<long long>(e.id), e.incidents, e.incidents == 1 ? "" : "s",
                printable(e.recipient).c_str(), e.cc.empty() ? "" : ", cc ",
                printable(e.cc).c_str(), e.state.c_str(),
                e.last_error ? " - " : "", e.last_error ? printable(*e.last_error).c_str() : "");
    if (e.state == "deferred" || e.state == "queued")
        return exit_tempfail;
    if (e.state == "failed" || e.state == "dropped")
        return exit_not_found;
    return exit_ok;
}

} // namespace

void add_report_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<ReportArgs>();
    auto* cmd = app.add_subcommand(
        "report", "the ARF complaint about a message, as it would be sent; --send sends it");
    cmd->add_option("file", args->file, "the message (a file, or - for standard input)");
    cmd->add_flag("--send", args->send,
                  "record the incident in the ledger and send the complaint it belongs to");
    cmd->add_flag("--queue", args->queue,
                  "record the incident and queue its complaint; `outbox flush` sends it (so "
                  "copies from one source gather into one report)");
    cmd->add_flag("--dry-run", args->dry_run,
                  "with --send or --queue: print what would go, change nothing");
    cmd->add_option("--feedback-type", args->feedback_type,
                    "virus (worms and viruses) or abuse (spam); default abuse");
    cmd->add_option("--detection", args->detection,
                    "what the scanner or rule named (e.g. Worm.Swen), for the report");
    args->recipients.add_to(*cmd);
    args->transport.add_to(*cmd);
    args->trust.add_to(*cmd);
    cmd->callback([&global, &exit_code, args] { exit_code = run_report(global, *args); });
}

} // namespace fightback::app
