// Starting and stopping unbound for the tests. The config is written here, not shipped, because
// it needs the port and the temporary directory; the zones are the project's files.
#include "unbound_world.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

#include <fmt/format.h>

#include "support/child_process.hpp"
#include "support/dns_packet.hpp"
#include "support/fake_dns_server.hpp"

namespace fightback::test_dns {
namespace {

UnboundWorld* g_world = nullptr;

std::string config_text(const std::filesystem::path& dir, const std::filesystem::path& zones,
                        std::uint16_t port)
{
    std::string text = fmt::format(R"(server:
  interface: 127.0.0.1
  port: {port}
  do-ip4: yes
  do-ip6: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{dir}"
  pidfile: "{dir}/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 1
  num-threads: 1
  # Hundreds of queries arrive at once in the in-flight test.
  so-rcvbuf: 4m
  so-sndbuf: 4m
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  # The only root server unbound knows is loopback, and it may not query loopback: nothing
  # leaves this server, and a delegation to 127.0.0.1 is a dead server (SERVFAIL).
  root-hints: "{dir}/root.hints"
  do-not-query-localhost: yes
  local-zone: "." refuse
  local-zone: "test." transparent
  local-zone: "2.0.192.in-addr.arpa." transparent
  local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." transparent
  local-zone: "refused.test." always_refuse
remote-control:
  control-enable: no
)",
                                   fmt::arg("port", port), fmt::arg("dir", dir.string()));
    for (const char* zone : {"test.", "2.0.192.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa."}) {
        text += fmt::format(R"(auth-zone:
  name: "{zone}"
  zonefile: "{file}"
  for-downstream: no
  for-upstream: yes
  fallback-enabled: no
)",
                            fmt::arg("zone", zone),
                            fmt::arg("file", (zones / (std::string(zone) + "zone")).string()));
    }
    return text;
}

// True once unbound answers a query for the test zone's SOA.
bool answers(std::uint16_t port)
{
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const Bytes query = query_packet(0x1234, "test", 6);
    ::sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    pollfd p{fd, POLLIN, 0};
    bool ok = false;
    if (::poll(&p, 1, 200) > 0) {
        std::uint8_t buffer[512];
        ok = ::recv(fd, buffer, sizeof buffer, 0) >= 12;
    }
    ::close(fd);
    return ok;
}

} // namespace

UnboundWorld* world()
{
    return g_world;
}

void set_world(UnboundWorld* w)
{
    g_world = w;
}

std::unique_ptr<UnboundWorld> UnboundWorld::start(const std::filesystem::path& zone_dir)
{
    const std::filesystem::path unbound = test_support::find_program("unbound");
    if (unbound.empty())
        throw std::runtime_error("unbound is not installed (scripts/setup installs it)");
    std::unique_ptr<UnboundWorld> w(new UnboundWorld());
    std::string pattern = (std::filesystem::temp_directory_path() / "fightback-unbound-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("mkdtemp failed");
    w->m_dir = pattern;
    w->m_port = free_port();
    {
        std::ofstream(w->m_dir / "unbound.conf") << config_text(w->m_dir, zone_dir, w->m_port);
        std::ofstream(w->m_dir / "root.hints") << ".  3600 IN NS a.root.test.\n"
                                                  "a.root.test. 3600 IN A 127.0.0.1\n";
    }
    const auto log = w->m_dir / "unbound.log";
    const auto conf = w->m_dir / "unbound.conf";
    const pid_t pid =
        test_support::spawn_server({unbound.string(), "-d", "-c", conf.string()}, log);
    w->m_pid = pid;

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!answers(w->m_port)) {
        if (test_support::child_exited(pid)) {
            w->m_pid = -1;
            throw std::runtime_error("unbound exited at start:\n" + test_support::read_all(log));
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("unbound did not answer within 15 s:\n" +
                                     test_support::read_all(log));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return w;
}

void UnboundWorld::stop()
{
    test_support::stop_server(m_pid);
    if (!m_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
        m_dir.clear();
    }
}

UnboundWorld::~UnboundWorld()
{
    stop();
}

dns::ServerAddress UnboundWorld::server() const
{
    return dns::ServerAddress{net::IpAddress::v4(0x7f000001), m_port};
}

std::string UnboundWorld::server_text() const
{
    return fmt::format("127.0.0.1:{}", m_port);
}

} // namespace fightback::test_dns
