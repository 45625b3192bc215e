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

std::string read_all(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

std::filesystem::path find_clamd()
{
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/local/sbin:/usr/sbin:/sbin";
    std::stringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty())
            continue;
        auto candidate = std::filesystem::path(dir) / "clamd";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
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
    std::vector<std::string> args{clamd.string(), "--foreground", "--config-file=" + conf.string()};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string out_log = (w->m_dir / "clamd.out").string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(1);
        const int fd = ::open(out_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0)
            ::dup2(null, 0);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    w->m_pid = pid;

    scan::EngineSettings settings;
    settings.kind = scan::EngineKind::clamd;
    settings.clamd_address = w->socket().string();
    settings.clamd_timeout = std::chrono::milliseconds(1000);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        if (std::filesystem::exists(w->socket()) && scan::ClamdEngine::connect(settings))
            break;
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            w->m_pid = -1;
            throw std::runtime_error("clamd exited at start:\n" + read_all(out_log) +
                                     read_all(w->m_dir / "clamd.log"));
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("clamd did not answer within 60 s:\n" + read_all(out_log));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return w;
}

void ClamdWorld::stop()
{
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        int status = 0;
        for (int i = 0; i < 100 && ::waitpid(m_pid, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (::waitpid(m_pid, &status, WNOHANG) == 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
        }
        m_pid = -1;
    }
}

ClamdWorld::~ClamdWorld()
{
    stop();
    std::error_code ec;
    if (!m_dir.empty())
        std::filesystem::remove_all(m_dir, ec);
}

} // namespace fightback::test_scan
