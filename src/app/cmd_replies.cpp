// `fightback replies FOLDER...`: read what abuse desks sent back (a Maildir, or message files),
// say what each one is and which complaint it answers, and keep that in the ledger for stats.
// Replies are taken oldest first, so a ticket number learnt from a desk's first auto-reply ties
// its later messages too.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common.hpp"
#include "fightback/ledger/message_log.hpp"
#include "fightback/stats/reply_log.hpp"
#include "fightback/util/text.hpp"
#include "ledger_option.hpp"

namespace fightback::app {
namespace {

struct RepliesArgs {
    std::vector<std::string> inputs;
    std::optional<std::string> ledger;
    bool json = false;
    bool dry_run = false;
};

struct Loaded {
    Input input;
    stats::ReplyFacts facts;
    std::string hash;
    std::int64_t received_ms = 0;
};

std::int64_t file_time_ms(const std::filesystem::path& path, std::int64_t fallback)
{
    std::error_code ec;
    const auto t = std::filesystem::last_write_time(path, ec);
    if (ec)
        return fallback;
    const auto system = std::chrono::file_clock::to_sys(t);
    return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch())
        .count();
}

int run_replies(const GlobalOptions& global, const RepliesArgs& args)
{
    // A dry run only reads; with no ledger yet there is no complaint to tie a reply to.
    auto ledger = open_ledger_for(global, args.ledger,
                                  args.dry_run ? LedgerAccess::read : LedgerAccess::write);
    if (!ledger && args.dry_run && ledger.error().kind == ErrorKind::not_found)
        ledger = ledger::Ledger::open_in_memory();
    if (!ledger) {
        print_error(ledger.error().message);
        return ledger.error().kind == ErrorKind::temporary ? exit_tempfail : exit_error;
    }
    auto inputs = expand_inputs(args.inputs);
    if (!inputs) {
        print_error(inputs.error().message);
        return exit_error;
    }
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    int status = exit_ok;
    std::vector<Loaded> replies;
    for (const auto& input : *inputs) {
        auto message = load_input(input, mail::LoadLimits{.max_message_bytes = 16u << 20});
        if (!message) {
            print_error(fmt::format("{}: {}", printable(input.name), message.error().message));
            status = exit_error;
            continue;
        }
        Loaded l{input, stats::read_reply(*message), ledger::content_hash(message->bytes()), 0};
        l.received_ms = l.facts.date_ms ? *l.facts.date_ms
                                        : (input.is_stdin ? now_ms
                                                          : file_time_ms(input.path, now_ms));
        replies.push_back(std::move(l));
    }
    std::stable_sort(replies.begin(), replies.end(),
                     [](const Loaded& a, const Loaded& b) { return a.received_ms < b.received_ms; });

    auto log = stats::ReplyLog::open(*ledger);
    if (!log) {
        print_error(log.error().message);
        return exit_error;
    }
    int matched = 0;
    for (const auto& r : replies) {
        auto recorded = log->record(r.facts, r.hash, r.received_ms, r.input.name, now_ms,
                                    args.dry_run);
        if (!recorded) {
            print_error(recorded.error().message);
            return exit_error;
        }
        matched += recorded->complaint ? 1 : 0;
        if (args.json) {
            nlohmann::json j = {
                {"file", r.input.name},
                {"kind", stats::to_string(recorded->kind)},
                {"complaint", recorded->complaint ? nlohmann::json(*recorded->complaint)
                                                  : nlohmann::json()},
                {"matched_by", recorded->matched_by},
                {"ticket", recorded->ticket ? nlohmann::json(*recorded->ticket)
                                            : nlohmann::json()},
                {"from", r.facts.from_address},
                {"subject", r.facts.subject},
                {"already_recorded", recorded->already_recorded}};
            std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
        } else {
            std::cout << fmt::format(
                "{}: {}{}, {}{}\n", printable(r.input.name), stats::to_string(recorded->kind),
                recorded->ticket ? " " + printable(*recorded->ticket) : "",
                recorded->complaint ? fmt::format("complaint {} (by {})", *recorded->complaint,
                                                  recorded->matched_by)
                                    : std::string("no complaint found"),
                recorded->already_recorded ? " [already recorded]" : "");
        }
    }
    if (!args.json)
        std::cerr << fmt::format("replies: {} read, {} tied to a complaint{}\n", replies.size(),
                                 matched, args.dry_run ? " (dry run: nothing recorded)" : "");
    return status;
}

} // namespace

void add_replies_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<RepliesArgs>();
    auto* cmd = app.add_subcommand("replies", "recognise replies from abuse desks in a folder and "
                                              "tie each to its complaint");
    cmd->add_option("folder", args->inputs, "Maildir folders or message files")->required();
    cmd->add_option("--ledger", args->ledger, "the SQLite ledger ([ledger] path)");
    cmd->add_flag("--json", args->json, "one JSON object per reply");
    cmd->add_flag("--dry-run", args->dry_run, "say what each reply is; record nothing");
    cmd->callback([&global, &exit_code, args] { exit_code = run_replies(global, *args); });
}

} // namespace fightback::app
