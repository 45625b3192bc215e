// `fightback watch FOLDER...`: the scan, continuously. What is in the folders already is
// handled first; then inotify reports each message delivered into new/ or cur/ (a rename into
// place, or a file closed after writing) and it goes through the pipeline at once, the outbox
// flushed after each batch. SIGTERM and SIGINT are read from a signalfd (no work in a
// handler): the message in hand is finished, then the command exits 0.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include <fmt/format.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "pipeline_setup.hpp"
#include "progress.hpp"
#include "fightback/mail/maildir.hpp"
#include "fightback/util/fd.hpp"

namespace fightback::app {
namespace {

bool signalled(int sfd)
{
    pollfd p{sfd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0)
        return false;
    signalfd_siginfo info;
    return ::read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info);
}

void report(const pipeline::MessageResult& r, Tally& tally)
{
    tally.add(r);
    if (auto line = log_line(r))
        std::fprintf(stderr, "fightback: %s\n", line->c_str());
}

int run_watch(const GlobalOptions& global, const PipelineArgs& args)
{
    // Blocked before any thread starts, so every thread inherits the mask and the signals
    // wait in the signalfd.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (::sigprocmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
        print_error("cannot block SIGINT/SIGTERM");
        return exit_error;
    }
    UniqueFd sfd(::signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK));
    UniqueFd ifd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (sfd.get() < 0 || ifd.get() < 0) {
        print_error(fmt::format("signalfd/inotify: {}", std::strerror(errno)));
        return exit_error;
    }
    auto session = PipelineSession::create(global, args);
    if (!session) {
        print_error(session.error().message);
        return session.error().exit_code;
    }
    // A name that is no Maildir (an mbox, a typo) is refused clearly.
    for (const auto& folder : args.folders)
        if (!mail::is_maildir(folder)) {
            print_error(fmt::format("{}: not a Maildir folder (watch follows Maildir folders; "
                                    "scan also reads mbox files)",
                                    folder));
            return exit_error;
        }
    std::map<int, std::filesystem::path> watched;
    for (const auto& folder : args.folders) {
        for (const char* sub : {"new", "cur"}) {
            const auto dir = std::filesystem::path(folder) / sub;
            const int wd = ::inotify_add_watch(ifd.get(), dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE);
            if (wd < 0) {
                print_error(fmt::format("{}: cannot watch: {}", dir.string(), std::strerror(errno)));
                return exit_error;
            }
            watched[wd] = dir;
        }
    }
    auto& pipe = (*session)->pipeline();
    Tally tally;
    std::atomic<bool> stop{false};
    // Listed after the watches are set: nothing delivered in between is missed.
    auto files = list_folders(args.folders);
    if (!files) {
        print_error(files.error().message);
        return exit_error;
    }
    pipe.run(*files, (*session)->jobs(), &stop, [&](const pipeline::MessageResult& r) {
        report(r, tally);
        if (signalled(sfd.get()))
            stop.store(true);
    });
    (*session)->flush();
    std::fprintf(stderr, "fightback: watching %zu folder%s\n", args.folders.size(),
                 args.folders.size() == 1 ? "" : "s");
    alignas(inotify_event) char buffer[64 * 1024];
    while (!stop.load()) {
        pollfd fds[2] = {{ifd.get(), POLLIN, 0}, {sfd.get(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            print_error(fmt::format("poll: {}", std::strerror(errno)));
            return exit_error;
        }
        if (fds[1].revents & POLLIN)
            break;
        std::vector<std::filesystem::path> arrived;
        for (;;) {
            const ssize_t n = ::read(ifd.get(), buffer, sizeof buffer);
            if (n <= 0)
                break;
            for (ssize_t at = 0; at < n;) {
                const auto* ev = reinterpret_cast<const inotify_event*>(buffer + at);
                at += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
                if (ev->mask & IN_Q_OVERFLOW) {
                    // Events were lost: look at everything again (handled mail is skipped).
                    if (auto all = list_folders(args.folders))
                        arrived.insert(arrived.end(), all->begin(), all->end());
                    continue;
                }
                if (ev->len == 0 || ev->name[0] == '.')
                    continue;
                if (auto it = watched.find(ev->wd); it != watched.end())
                    arrived.push_back(it->second / ev->name);
            }
        }
        for (const auto& file : arrived) {
            std::error_code ec;
            if (!std::filesystem::exists(file, ec))
                continue; // moved on already (by us, or a mail reader into cur/)
            report(pipe.process(file), tally);
            if (signalled(sfd.get())) {
                stop.store(true);
                break;
            }
        }
        if (!arrived.empty())
            (*session)->flush();
    }
    std::fprintf(stderr, "fightback: stopping\n");
    print_summary(tally, std::nullopt, (*session)->dry_run(), 0.0);
    return exit_ok;
}

} // namespace

void add_watch_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<PipelineArgs>();
    auto* cmd = app.add_subcommand(
        "watch", "the scan, continuously: each message delivered into the folders is handled "
                 "at once (inotify); SIGTERM finishes the message in hand and exits");
    args->add_to(*cmd);
    cmd->callback([&global, &exit_code, args] { exit_code = run_watch(global, *args); });
}

} // namespace fightback::app
