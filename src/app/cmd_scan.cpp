// `fightback scan FOLDER... [--dry-run] [--jobs N]`: the cron job. Every message not handled
// before is scanned, and by its verdict complained about (trace, contacts, the complaint
// through the outbox), set aside or left; then the outbox is flushed and a summary printed.
// SIGINT/SIGTERM let the messages in hand finish. Exit: 0 ok, 1 some messages failed, 2 usage
// or configuration error, 75 temporary (the ledger locked, a registry or DNS said later).
#include <atomic>
#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "pipeline_setup.hpp"
#include "progress.hpp"

namespace fightback::app {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int)
{
    g_stop.store(true); // nothing else: the workers look at it between messages
}

int run_scan(const GlobalOptions& global, const PipelineArgs& args)
{
    auto session = PipelineSession::create(global, args);
    if (!session) {
        print_error(session.error().message);
        return session.error().exit_code;
    }
    auto boxes = list_mailboxes(args.folders, true);
    if (!boxes) {
        print_error(boxes.error().message);
        return boxes.error().kind == ErrorKind::temporary ? exit_tempfail : exit_error;
    }
    const auto& files = boxes->files;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);

    Progress progress(stderr, files.size());
    Tally tally;
    std::size_t done = 0;
    (*session)->pipeline().run(files, (*session)->jobs(), &g_stop,
                               [&](const pipeline::MessageResult& r) {
                                   tally.add(r);
                                   if (auto line = log_line(r))
                                       progress.log(*line);
                                   progress.step(++done);
                               });
    progress.finish();
    // mbox files, read-only: the messages are decided, recorded and complained about in
    // place, one after another (their number is not known before reading them).
    std::size_t from_mbox = 0;
    for (const auto& mbox : boxes->mboxes) {
        scan_mbox((*session)->pipeline(), mbox, g_stop, [&](const pipeline::MessageResult& r) {
            ++from_mbox;
            tally.add(r);
            if (auto line = log_line(r))
                std::fprintf(stderr, "fightback: %s\n", line->c_str());
        });
    }
    if (g_stop.load())
        std::fprintf(stderr,
                     "fightback: stopped by a signal after %zu of %zu Maildir messages and %zu "
                     "from mbox files\n",
                     done, files.size(), from_mbox);
    auto flushed = (*session)->flush();
    print_summary(tally, flushed, (*session)->dry_run(), progress.elapsed_seconds());
    return exit_code_for(tally);
}

} // namespace

void add_scan_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<PipelineArgs>();
    auto* cmd = app.add_subcommand(
        "scan", "scan Maildir folders (and mbox files, read-only): complain about worms, set "
                "aside what the rules say, move each message to its folder (the 2003 cron job)");
    args->add_to(*cmd);
    cmd->callback([&global, &exit_code, args] { exit_code = run_scan(global, *args); });
}

} // namespace fightback::app
