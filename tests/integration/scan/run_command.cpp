// fork/exec with three pipes' worth of plumbing: stdin from a string, stderr to a string.
#include "run_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

extern char** environ;

namespace fightback::test_scan {

CommandResult run_command(const std::vector<std::string>& args, const std::string& input,
                          const std::vector<std::string>& env)
{
    int in[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e)
        environment.emplace_back(*e);
    environment.insert(environment.end(), env.begin(), env.end());
    std::vector<char*> argv, envp;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : environment)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(err[1], 2);
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(err[1]);
    ::signal(SIGPIPE, SIG_IGN);
    // Feed stdin and drain stderr together, so neither side blocks the other.
    std::size_t written = 0;
    CommandResult result;
    bool in_open = true;
    if (input.empty()) {
        ::close(in[1]);
        in_open = false;
    }
    for (;;) {
        pollfd fds[2] = {{err[0], POLLIN, 0}, {in_open ? in[1] : -1, POLLOUT, 0}};
        if (::poll(fds, 2, 30000) <= 0)
            break;
        if (in_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t n = ::write(in[1], input.data() + written, input.size() - written);
            if (n > 0)
                written += static_cast<std::size_t>(n);
            if (n < 0 || written == input.size()) {
                ::close(in[1]);
                in_open = false;
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            char buffer[4096];
            const ssize_t n = ::read(err[0], buffer, sizeof buffer);
            if (n <= 0)
                break;
            result.err.append(buffer, static_cast<std::size_t>(n));
        }
    }
    if (in_open)
        ::close(in[1]);
    ::close(err[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace fightback::test_scan
