// The child gets a socketpair end as standard input (writes to it use MSG_NOSIGNAL, so a
// child that dies early cannot kill us with SIGPIPE) and a pipe as standard error, whose first
// bytes are kept for the record. One poll loop feeds the one and drains the other.
#include "fightback/send/sendmail_transport.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/report/mime_text.hpp"
#include "fightback/util/text.hpp"

namespace fightback::send {
namespace {

struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    void reset()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

DeliveryStatus status_for_exit(int code)
{
    switch (code) {
    case 0: return DeliveryStatus::sent;
    case 64: // EX_USAGE
    case 65: // EX_DATAERR
    case 67: // EX_NOUSER
    case 68: // EX_NOHOST
        return DeliveryStatus::failed;
    default: return DeliveryStatus::deferred;
    }
}

} // namespace

DeliveryResult SendmailTransport::deliver(const Envelope& envelope, std::string_view message,
                                          const HandedHook& handed)
{
    DeliveryResult result;
    // Recipients were validated; a leading '-' could still read as an option to some MTAs.
    for (const auto& r : envelope.recipients)
        if (r.empty() || r.front() == '-') {
            result.status = DeliveryStatus::failed;
            result.detail = fmt::format("refusing recipient '{}'", printable(r));
            return result;
        }
    if (!envelope.mail_from.empty() && envelope.mail_from.front() == '-') {
        result.status = DeliveryStatus::failed;
        result.detail = "refusing the envelope sender";
        return result;
    }
    std::vector<std::string> args{m_options.program.string(), "-i", "-f",
                                  envelope.mail_from.empty() ? "<>" : envelope.mail_from, "--"};
    for (const auto& r : envelope.recipients)
        args.push_back(r);
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int sv[2];
    int err[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        result.detail = fmt::format("socketpair: {}", std::strerror(errno));
        return result;
    }
    Fd ours(sv[0]), theirs(sv[1]);
    if (::pipe2(err, O_CLOEXEC) != 0) {
        result.detail = fmt::format("pipe: {}", std::strerror(errno));
        return result;
    }
    Fd err_read(err[0]), err_write(err[1]);
    const std::string body = report::to_lf(message);

    const pid_t pid = ::fork();
    if (pid < 0) {
        result.detail = fmt::format("fork: {}", std::strerror(errno));
        return result;
    }
    if (pid == 0) {
        // Child: only async-signal-safe calls until exec.
        ::dup2(theirs.fd, 0);
        ::dup2(err_write.fd, 1);
        ::dup2(err_write.fd, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    theirs.reset();
    err_write.reset();
    ::shutdown(ours.fd, SHUT_RD);

    const auto deadline = std::chrono::steady_clock::now() + m_options.timeout;
    std::size_t offset = 0;
    std::string said;
    bool timed_out = false;
    bool write_failed = false;
    while (ours.fd >= 0 || err_read.fd >= 0) {
        if (ours.fd >= 0 && offset == body.size()) {
            // All written: record the hand-over, then end the input (the message's end).
            if (!result.handed) {
                if (handed && !handed()) {
                    ::kill(pid, SIGKILL);
                    result.detail = "the ledger could not record the hand-over; not sent";
                    ours.reset();
                    write_failed = true;
                    break;
                }
                result.handed = true;
            }
            ours.reset();
            continue;
        }
        pollfd fds[2];
        nfds_t n = 0;
        if (ours.fd >= 0)
            fds[n++] = {ours.fd, POLLOUT, 0};
        if (err_read.fd >= 0)
            fds[n++] = {err_read.fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        const int ready = ::poll(fds, n, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            break;
        for (nfds_t i = 0; i < n; ++i) {
            if (fds[i].fd == ours.fd && (fds[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
                const ssize_t w = ::send(ours.fd, body.data() + offset, body.size() - offset,
                                         MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w > 0) {
                    offset += static_cast<std::size_t>(w);
                } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    write_failed = true;
                    ours.reset();
                }
            } else if (fds[i].fd == err_read.fd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                char buffer[1024];
                const ssize_t r = ::read(err_read.fd, buffer, sizeof buffer);
                if (r > 0) {
                    if (said.size() < 600)
                        said.append(buffer, static_cast<std::size_t>(r));
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    err_read.reset();
                }
            }
        }
        if (write_failed && err_read.fd < 0)
            break;
    }
    if (timed_out)
        ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    said = printable(said.substr(0, 600));
    while (!said.empty() && (said.back() == ' '))
        said.pop_back();
    const std::string tail = said.empty() ? "" : fmt::format(": {}", said);
    if (timed_out) {
        result.status = DeliveryStatus::deferred;
        result.detail = fmt::format("{} timed out{}", m_options.program.string(), tail);
    } else if (WIFSIGNALED(status)) {
        result.status = DeliveryStatus::deferred;
        result.detail = fmt::format("{} killed by signal {}{}", m_options.program.string(),
                                    WTERMSIG(status), tail);
    } else {
        result.code = WEXITSTATUS(status);
        result.status = (write_failed || !result.handed) && result.code == 0
                            ? DeliveryStatus::deferred
                            : status_for_exit(result.code);
        if (result.detail.empty())
            result.detail = result.code == 127
                                ? fmt::format("cannot run {}", m_options.program.string())
                                : fmt::format("{} exited with {}{}", m_options.program.string(),
                                              result.code, tail);
    }
    return result;
}

} // namespace fightback::send
