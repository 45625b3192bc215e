// Contacts benchmark: 1,000 addresses spread over 100 registry ranges (/24s) and five registries,
// against the project's RDAP test server in synthetic mode (tests/servers/rdap_server.py) on
// loopback, every answer delayed 50 ms. Reports the registry requests made (target: no more
// than the ranges plus 5%) and the wall time against the bound the per-registry rate limit
// sets: (ranges per registry - 1) x interval + one answer's delay. A second pass over the same
// addresses with the ledger cache filled must make no request at all.
//
// Usage: fightback_bench_contacts [--interval-ms N] [--delay-ms N]   (defaults 1000 and 50)
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fightback/abuse/contact_finder.hpp"
#include "fightback/ledger/ledger.hpp"

extern char** environ;

namespace {

using namespace fightback;

constexpr int registries = 5;
constexpr int ranges_per_registry = 20;
constexpr int addresses_per_range = 10;
const char* hosts[registries] = {"rdap.arin.net", "rdap.db.ripe.net", "rdap.apnic.net",
                                 "rdap.lacnic.net", "rdap.afrinic.net"};

struct Server {
    pid_t pid = -1;
    int port = 0;
    ~Server()
    {
        if (pid > 0) {
            kill(pid, SIGTERM);
            waitpid(pid, nullptr, 0);
        }
    }
};

bool start_server(Server& s, int delay_ms)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string script = std::string(FIGHTBACK_TEST_SERVERS) + "/rdap_server.py";
    std::string delay = std::to_string(delay_ms);
    std::vector<char*> argv{const_cast<char*>(FIGHTBACK_PYTHON), script.data(),
                            const_cast<char*>("--synthetic"), const_cast<char*>("--delay-ms"),
                            delay.data(), nullptr};
    int rc = posix_spawn(&s.pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        s.pid = -1;
        close(fds[0]);
        return false;
    }
    std::string line;
    char c;
    pollfd p{fds[0], POLLIN, 0};
    while (poll(&p, 1, 10000) > 0 && read(fds[0], &c, 1) == 1 && c != '\n')
        line += c;
    close(fds[0]);
    return std::sscanf(line.c_str(), "PORT %d", &s.port) == 1;
}

} // namespace

int main(int argc, char** argv)
{
    int interval_ms = 1000, delay_ms = 50;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--interval-ms")
            interval_ms = std::stoi(argv[i + 1]);
        else if (flag == "--delay-ms")
            delay_ms = std::stoi(argv[i + 1]);
    }
    Server server;
    if (!start_server(server, delay_ms)) {
        std::fprintf(stderr, "cannot start the RDAP test server\n");
        return 2;
    }
    // Registry r serves 10.(r+1).0.0/16; its ranges are the /24s 10.(r+1).k.0.
    std::string services;
    for (int r = 0; r < registries; ++r)
        services += fmt::format("{}[[\"10.{}.0.0/16\"], [\"http://{}/\"]]", r ? "," : "", r + 1,
                                hosts[r]);
    abuse::Bootstrap bootstrap;
    if (auto ok = bootstrap.add("{\"services\": [" + services + "]}", "bench"); !ok) {
        std::fprintf(stderr, "%s\n", ok.error().message.c_str());
        return 2;
    }
    std::vector<net::IpAddress> ips;
    for (int r = 0; r < registries; ++r)
        for (int k = 0; k < ranges_per_registry; ++k)
            for (int a = 0; a < addresses_per_range; ++a)
                ips.push_back(net::IpAddress::v4((10u << 24) | (unsigned(r + 1) << 16) |
                                                 (unsigned(k) << 8) | unsigned(10 + a * 7)));
    std::shuffle(ips.begin(), ips.end(), std::mt19937(4));

    abuse::FinderOptions options;
    options.registry_interval = std::chrono::milliseconds(interval_ms);
    options.use_whois = false;
    options.contact_zones.clear();
    options.rdap.http.loopback_only = true;
    for (const char* h : hosts)
        options.rdap.http.connect_to.push_back(fmt::format("{}:80:127.0.0.1:{}", h, server.port));
    auto ledger = ledger::Ledger::open_in_memory();
    if (!ledger) {
        std::fprintf(stderr, "%s\n", ledger.error().message.c_str());
        return 2;
    }
    abuse::ContactCache cache(*ledger);

    const int ranges = registries * ranges_per_registry;
    std::printf("addresses %zu, ranges %d, registries %d, answer delay %d ms, interval %d ms\n",
                ips.size(), ranges, registries, delay_ms, interval_ms);
    for (int pass = 1; pass <= 2; ++pass) {
        abuse::ContactFinder finder(options, bootstrap, &cache, {}, {});
        const auto start = std::chrono::steady_clock::now();
        auto results = finder.find(ips);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                                .count();
        int requests = 0, automatic = 0;
        for (const auto& [key, n] : finder.request_counts())
            requests += n;
        for (const auto& r : results)
            automatic += r.decision.automatic ? 1 : 0;
        const double bound = pass == 1 ? (ranges_per_registry - 1) * interval_ms / 1000.0 +
                                             delay_ms / 1000.0
                                       : 0.0;
        std::printf("pass %d (%s): requests %d (target <= %d), automatic %d/%zu, wall %.2f s, "
                    "rate-limit bound %.2f s\n",
                    pass, pass == 1 ? "empty cache" : "cache filled", requests,
                    ranges + ranges / 20, automatic, ips.size(), wall, bound);
        if (requests > (pass == 1 ? ranges + ranges / 20 : 0) ||
            automatic != static_cast<int>(ips.size()))
            return 1;
    }
    return 0;
}
