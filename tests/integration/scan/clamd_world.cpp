// Writing clamd.conf, starting clamd, waiting for PONG, stopping it.
#include "clamd_world.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fightback/scan/clamd_engine.hpp"
#include "support/child_process.hpp"

namespace fightback::test_scan {
namespace {

std::uint16_t free_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

} // namespace

std::filesystem::path find_clamd()
{
    return test_support::find_program("clamd");
}

std::unique_ptr<ClamdWorld> ClamdWorld::start(const std::filesystem::path& database, std::string& why)
{
    const auto clamd = find_clamd();
    if (clamd.empty()) {
        why = "clamd is not installed (Debian package clamav-daemon; scripts/setup installs it)";
        return nullptr;
    }
    std::unique_ptr<ClamdWorld> w(new ClamdWorld);
    std::string pattern = (std::filesystem::temp_directory_path() / "fightback-clamd-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    w->m_dir = pattern;
    w->m_port = free_port();
    const auto conf = w->m_dir / "clamd.conf";
    {
        std::ofstream out(conf);
        out << "Foreground yes\n"
            << "LocalSocket " << (w->m_dir / "clamd.sock").string() << "\n"
            << "LocalSocketMode 600\n"
            << "TCPSocket " << w->m_port << "\n"
            << "TCPAddr 127.0.0.1\n"
            << "DatabaseDirectory " << database.string() << "\n"
            << "TemporaryDirectory " << w->m_dir.string() << "\n"
            << "PidFile " << (w->m_dir / "clamd.pid").string() << "\n"
            << "LogFile " << (w->m_dir / "clamd.log").string() << "\n"
            << "LogTime no\nLogVerbose no\n"
            << "MaxThreads 4\n"
            << "StreamMaxLength 1M\n"
            << "SelfCheck 0\n"
            << "Bytecode no\n";
    }
    const auto out_log = w->m_dir / "clamd.out";
    const pid_t pid = test_support::spawn_server(
        {clamd.string(), "--foreground", "--config-file=" + conf.string()}, out_log);
    w->m_pid = pid;

    scan::EngineSettings settings;
    settings.kind = scan::EngineKind::clamd;
    settings.clamd_address = w->socket().string();
    settings.clamd_timeout = std::chrono::milliseconds(1000);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        if (std::filesystem::exists(w->socket()) && scan::ClamdEngine::connect(settings))
            break;
        if (test_support::child_exited(pid)) {
            w->m_pid = -1;
            throw std::runtime_error("clamd exited at start:\n" + test_support::read_all(out_log) +
                                     test_support::read_all(w->m_dir / "clamd.log"));
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("clamd did not answer within 60 s:\n" +
                                     test_support::read_all(out_log));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return w;
}

void ClamdWorld::stop()
{
    test_support::stop_server(m_pid);
}

ClamdWorld::~ClamdWorld()
{
    stop();
    std::error_code ec;
    if (!m_dir.empty())
        std::filesystem::remove_all(m_dir, ec);
}

} // namespace fightback::test_scan
