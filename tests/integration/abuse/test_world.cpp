// Starting and stopping the test servers with posix_spawn; their ports come on stdout.
#include "test_world.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>

extern char** environ;

namespace fightback::abuse::testing {

std::string python()
{
    return FIGHTBACK_PYTHON;
}

std::string servers_dir()
{
    return FIGHTBACK_TEST_SERVERS;
}

std::string test_data(const std::string& relative)
{
    return std::string(FIGHTBACK_TEST_DATA) + "/" + relative;
}

std::string shared_dir()
{
    return FIGHTBACK_SHARED_DIR;
}

std::unique_ptr<ServerProcess> ServerProcess::start(const std::vector<std::string>& argv,
                                                    const std::string& ready_line)
{
    if (access(argv.at(0).c_str(), X_OK) != 0)
        return nullptr;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return nullptr;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::unique_ptr<ServerProcess> p(new ServerProcess);
    int rc = posix_spawn(&p->m_pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    p->m_stdout = fds[0];
    if (rc != 0) {
        p->m_pid = -1;
        return nullptr;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string buffer;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{p->m_stdout, POLLIN, 0};
        if (poll(&pfd, 1, 200) <= 0)
            continue;
        char chunk[512];
        auto n = read(p->m_stdout, chunk, sizeof chunk);
        if (n <= 0)
            return nullptr;
        buffer.append(chunk, static_cast<std::size_t>(n));
        std::size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
            std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            p->m_lines.push_back(line);
            if (ready_line.empty() || line == ready_line)
                return p;
        }
    }
    return nullptr;
}

ServerProcess::~ServerProcess()
{
    if (m_pid > 0) {
        kill(m_pid, SIGTERM);
        int status = 0;
        waitpid(m_pid, &status, 0);
    }
    if (m_stdout >= 0)
        close(m_stdout);
}

std::optional<RdapWorld> start_rdap_world(bool synthetic, int delay_ms)
{
    std::vector<std::string> argv{python(), servers_dir() + "/rdap_server.py"};
    if (synthetic)
        argv.push_back("--synthetic");
    else
        argv.insert(argv.end(), {"--routes", test_data("rdap/routes.json")});
    if (delay_ms > 0)
        argv.insert(argv.end(), {"--delay-ms", std::to_string(delay_ms)});
    RdapWorld world;
    world.process = ServerProcess::start(argv, "");
    if (!world.process || world.process->lines().empty())
        return std::nullopt;
    std::istringstream in(world.process->lines().front());
    std::string word;
    in >> word >> world.port;
    if (word != "PORT" || world.port <= 0)
        return std::nullopt;
    for (const char* host : {"rdap.arin.net", "rdap.db.ripe.net", "rdap.apnic.net",
                             "rdap.lacnic.net", "rdap.afrinic.net"})
        for (const char* port : {"80", "443"})
            world.connect_to.push_back(std::string(host) + ":" + port + ":127.0.0.1:" +
                                       std::to_string(world.port));
    return world;
}

std::optional<WhoisWorld> start_whois_world()
{
    WhoisWorld world;
    world.process = ServerProcess::start(
        {python(), servers_dir() + "/whois_server.py", "--map", test_data("whois/map.json")},
        "READY");
    if (!world.process)
        return std::nullopt;
    for (const auto& line : world.process->lines()) {
        std::istringstream in(line);
        std::string word, name;
        int port = 0;
        if (in >> word >> name >> port && word == "PORT")
            world.ports[name] = port;
    }
    const std::map<std::string, std::string> hosts{
        {"iana", "whois.iana.org:43"},     {"arin", "whois.arin.net:43"},
        {"apnic", "whois.apnic.net:43"},   {"nic", "whois.nic.example:4343"},
        {"lacnic", "whois.lacnic.net:43"}, {"afrinic", "whois.afrinic.net:43"},
        {"ripe", "whois.ripe.net:43"}};
    for (const auto& [name, hostport] : hosts) {
        auto it = world.ports.find(name);
        if (it == world.ports.end())
            return std::nullopt;
        world.connect_to.push_back(hostport + ":127.0.0.1:" + std::to_string(it->second));
    }
    return world;
}

} // namespace fightback::abuse::testing
