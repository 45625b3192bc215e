// Running a piece of a test without root's power to read everything: as root, in a forked
// child that dropped to nobody (65534); otherwise in place. Returns the body's result, or
// 98/99 when the child died or could not drop privileges.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <functional>

namespace fightback::test_support {

inline int as_nobody(const std::function<int()>& body)
{
    if (::geteuid() != 0)
        return body();
    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(99);
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

} // namespace fightback::test_support
