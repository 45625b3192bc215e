// `fightback outbox [list|flush|retry ID|drop ID|show ID]`: the complaints in the ledger and
// what became of them; flush sends what is due (retries whose backoff has passed included);
// retry queues a failed, deferred or dropped complaint again; drop keeps one from ever going;
// show prints a composed report as it was (or will be) sent.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "ledger_option.hpp"
#include "report_setup.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/report/mail_date.hpp"
#include "fightback/report/mime_text.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

constexpr int exit_tempfail = 75;

struct OutboxArgs {
    std::optional<std::string> ledger;
    SendFlags transport;
    bool json = false;
    bool pending = false;
    bool dry_run = false;
    std::int64_t id = 0;
};

std::string when(std::int64_t ms)
{
    return report::readable_date(ms / 1000);
}

nlohmann::json to_json(const send::OutboxEntry& e)
{
    nlohmann::json j;
    j["id"] = e.id;
    j["state"] = e.state;
    j["source_ip"] = e.source_ip;
    j["to"] = e.recipient;
    j["cc"] = nlohmann::json::array();
    std::string_view cc = e.cc;
    while (!cc.empty()) {
        auto sp = cc.find(' ');
        j["cc"].push_back(std::string(cc.substr(0, sp)));
        cc = sp == std::string_view::npos ? std::string_view{} : cc.substr(sp + 1);
    }
    j["feedback_type"] = e.feedback_type;
    j["message_id"] = e.message_id;
    j["attempts"] = e.attempts;
    j["incidents"] = e.incidents;
    j["late_incidents"] = e.late_incidents;
    j["created_ms"] = e.created_ms;
    j["next_attempt_ms"] = e.next_attempt_ms;
    j["sent_ms"] = e.sent_ms ? nlohmann::json(*e.sent_ms) : nlohmann::json(nullptr);
    j["last_error"] = e.last_error ? nlohmann::json(*e.last_error) : nlohmann::json(nullptr);
    j["note"] = e.note ? nlohmann::json(*e.note) : nlohmann::json(nullptr);
    return j;
}

void print_entry(const send::OutboxEntry& e)
{
    std::string timing;
    if (e.state == "sent" && e.sent_ms)
        timing = "sent " + when(*e.sent_ms);
    else if (e.state == "queued" || e.state == "deferred")
        timing = "due " + when(e.next_attempt_ms);
    std::printf("%-5lld %-8s %2d  %-15s %s%s%s  (%d incident%s%s)  %s\n",
                static_cast<long long>(e.id), e.state.c_str(), e.attempts, e.source_ip.c_str(),
                printable(e.recipient).c_str(), e.cc.empty() ? "" : " cc ",
                printable(e.cc).c_str(), e.incidents, e.incidents == 1 ? "" : "s",
                e.late_incidents ? fmt::format(", {} late", e.late_incidents).c_str() : "",
                timing.c_str());
    if (e.last_error)
        std::printf("      last error: %s\n", printable(*e.last_error).c_str());
    if (e.note)
        std::printf("      note: %s\n", printable(*e.note).c_str());
}

int report_error(const Error& e)
{
    print_error(e.message);
    return e.kind == ErrorKind::temporary ? exit_tempfail : exit_error;
}

int run_outbox(const GlobalOptions& global, const OutboxArgs& args, const std::string& action)
{
    auto config = load_config(global);
    if (!config)
        return report_error(config.error());
    if (args.ledger)
        config->ledger.path = *args.ledger;
    args.transport.apply(*config);
    const auto path = ledger_path(*config);
    if (!path) {
        print_error("no ledger path: set [ledger] path or XDG_DATA_HOME/HOME");
        return exit_error;
    }
    // Listing, showing and a dry run only read: the ledger is opened read-only and never made.
    const bool reads = action == "list" || action == "show" || (action == "flush" && args.dry_run);
    auto ledger = open_ledger(*path, reads ? LedgerAccess::read : LedgerAccess::write);
    if (!ledger && reads && ledger.error().kind == ErrorKind::not_found) {
        print_error(ledger.error().message + ": no complaints recorded");
        return action == "show" ? exit_not_found : exit_ok;
    }
    if (!ledger)
        return report_error(ledger.error());
    // Listing and editing need no identity; composing and sending do.
    const bool sends = action == "flush";
    auto setup = reporting_setup(*config, *path);
    if (!setup && sends)
        return report_error(setup.error());
    Reporting fallback;
    fallback.outbox.lock_file = std::filesystem::path(path->string() + ".outbox-lock");
    const Reporting& r = setup ? *setup : fallback;
    report::Complaints complaints(*ledger, r.restraint, r.compose);
    std::unique_ptr<send::Transport> transport;
    if (sends && !args.dry_run) {
        auto t = make_transport(config->send);
        if (!t)
            return report_error(t.error());
        transport = std::move(*t);
    }
    send::Outbox outbox(*ledger, complaints, transport.get(), r.outbox);

    if (action == "list") {
        auto entries = outbox.list(!args.pending);
        if (!entries)
            return report_error(entries.error());
        for (const auto& e : *entries) {
            if (args.json)
                std::printf("%s\n", to_json(e).dump(-1, ' ', false,
                                                    nlohmann::json::error_handler_t::replace)
                                        .c_str());
            else
                print_entry(e);
        }
        return exit_ok;
    }
    if (action == "show") {
        auto body = outbox.body(args.id);
        if (!body)
            return report_error(body.error());
        if (body->empty()) {
            print_error(fmt::format("complaint {} has not been composed yet", args.id));
            return exit_not_found;
        }
        const std::string text = report::to_lf(*body);
        std::fwrite(text.data(), 1, text.size(), stdout);
        return exit_ok;
    }
    if (action == "retry" || action == "drop") {
        auto done = action == "retry" ? outbox.retry(args.id) : outbox.drop(args.id);
        if (!done)
            return report_error(done.error());
        std::printf("complaint %lld %s\n", static_cast<long long>(args.id),
                    action == "retry" ? "queued again" : "dropped");
        return exit_ok;
    }
    auto summary = outbox.flush(std::nullopt, args.dry_run);
    if (!summary)
        return report_error(summary.error());
    for (const auto& item : summary->items)
        std::printf("%lld %s %s%s%s\n", static_cast<long long>(item.id), item.outcome.c_str(),
                    printable(item.recipient).c_str(), item.detail.empty() ? "" : ": ",
                    printable(item.detail).c_str());
    if (summary->recovered)
        std::printf("recovered %d complaint%s left by a run that stopped\n", summary->recovered,
                    summary->recovered == 1 ? "" : "s");
    std::printf("sent %d, deferred %d, failed %d, dropped %d, waiting %d\n", summary->sent,
                summary->deferred, summary->failed, summary->dropped, summary->waiting);
    return summary->deferred ? exit_tempfail : exit_ok;
}

} // namespace

void add_outbox_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<OutboxArgs>();
    auto* cmd = app.add_subcommand("outbox", "the complaints in the ledger: list, flush, retry, "
                                             "drop, show");
    cmd->require_subcommand(0, 1);
    cmd->add_option("--ledger", args->ledger, "the SQLite ledger ([ledger] path)");
    args->transport.add_to(*cmd);
    auto* list = cmd->add_subcommand("list", "every complaint with its state (the default)");
    list->add_flag("--json", args->json, "one JSON object per complaint");
    list->add_flag("--pending", args->pending, "only those not sent or dropped");
    auto* flush = cmd->add_subcommand("flush", "send every complaint that is due");
    flush->add_flag("--dry-run", args->dry_run, "say what would be sent; send nothing");
    auto* retry = cmd->add_subcommand("retry", "queue a failed, deferred or dropped complaint again");
    retry->add_option("id", args->id, "the complaint's number")->required();
    auto* drop = cmd->add_subcommand("drop", "never send this complaint (it is kept, as dropped)");
    drop->add_option("id", args->id, "the complaint's number")->required();
    auto* show = cmd->add_subcommand("show", "print a composed complaint");
    show->add_option("id", args->id, "the complaint's number")->required();
    cmd->callback([&global, &exit_code, args, cmd] {
        std::string action = "list";
        for (const auto* sub : cmd->get_subcommands())
            action = sub->get_name();
        exit_code = run_outbox(global, *args, action);
    });
}

} // namespace fightback::app
