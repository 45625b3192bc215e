// The abuse tests' world: the project's RDAP and WHOIS test servers (tests/servers/*.py)
// started on 127.0.0.1 and free ports, and the --connect-to mappings that send the registries'
// names there. Every client in these tests also runs with loopback_only, so nothing can leave
// the machine even if a mapping were missing.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fightback::abuse::testing {

class ServerProcess {
public:
    // Starts argv and reads its stdout until a line equal to `ready_line` (or, when empty, the
    // first line). Nothing when it cannot be started or does not get ready within 10 s.
    static std::unique_ptr<ServerProcess> start(const std::vector<std::string>& argv,
                                                const std::string& ready_line);
    ~ServerProcess();
    const std::vector<std::string>& lines() const { return m_lines; }

private:
    ServerProcess() = default;
    pid_t m_pid = -1;
    int m_stdout = -1;
    std::vector<std::string> m_lines;
};

std::string python();
std::string servers_dir();
std::string test_data(const std::string& relative);
std::string shared_dir();

struct RdapWorld {
    std::unique_ptr<ServerProcess> process;
    int port = 0;
    std::vector<std::string> connect_to;
};
// The routes server for tests/data/rdap/routes.json, or the synthetic one.
std::optional<RdapWorld> start_rdap_world(bool synthetic = false, int delay_ms = 0);

struct WhoisWorld {
    std::unique_ptr<ServerProcess> process;
    std::map<std::string, int> ports;
    std::vector<std::string> connect_to;
};
std::optional<WhoisWorld> start_whois_world();

} // namespace fightback::abuse::testing
