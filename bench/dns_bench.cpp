// DNS benchmark: many PTR look-ups (distinct addresses repeated, shuffled) against a loopback
// server that answers every query after a fixed delay, resolved in one batch; compared with the
// lower bound (distinct queries x delay / queries in flight) and with the 2003 way, one look-up
// after another with no cache, timed on a sample and extrapolated. Figures: docs/BENCHMARKS.md.
//
//   fightback_bench_dns [--distinct N] [--lookups N] [--delay-ms N] [--in-flight N]
//                       [--sequential-sample N]
// Exit status 1 when a target is missed (>= 50x over sequential, <= 2x the bound).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fightback/dns/name.hpp"
#include "fightback/dns/resolver.hpp"
#include "support/fake_dns_server.hpp"

namespace {

using namespace fightback;
using Clock = std::chrono::steady_clock;

struct Settings {
    std::size_t distinct = 2000;
    std::size_t lookups = 10000;
    int delay_ms = 50;
    std::size_t in_flight = 256;
    std::size_t sequential_sample = 100;
};

bool parse_args(int argc, char** argv, Settings& s)
{
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc)
            return false;
        const long value = std::strtol(argv[++i], nullptr, 10);
        if (value <= 0)
            return false;
        if (flag == "--distinct")
            s.distinct = static_cast<std::size_t>(value);
        else if (flag == "--lookups")
            s.lookups = static_cast<std::size_t>(value);
        else if (flag == "--delay-ms")
            s.delay_ms = static_cast<int>(value);
        else if (flag == "--in-flight")
            s.in_flight = static_cast<std::size_t>(value);
        else if (flag == "--sequential-sample")
            s.sequential_sample = static_cast<std::size_t>(value);
        else
            return false;
    }
    return s.distinct <= 65536 && s.lookups >= s.distinct;
}

// PTR for every in-addr.arpa name: "h-A-B-C-D.bench.test"; NXDOMAIN for anything else.
std::optional<test_dns::Bytes> answer(const test_dns::ParsedQuery& q)
{
    using namespace test_dns;
    if (q.type != 12 || !q.name.ends_with(".in-addr.arpa"))
        return response(q.id, q.question, 3, {});
    std::string host = "h";
    std::string_view rest = std::string_view(q.name);
    rest.remove_suffix(std::string_view(".in-addr.arpa").size());
    std::vector<std::string_view> octets;
    while (!rest.empty()) {
        auto dot = rest.find('.');
        octets.push_back(rest.substr(0, dot));
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    }
    for (auto it = octets.rbegin(); it != octets.rend(); ++it)
        host += fmt::format("-{}", *it);
    return response(q.id, q.question, 0,
                    {Record{question_pointer(), 12, 3600, wire_name(host + ".bench.test")}});
}

dns::Resolver make_resolver(std::uint16_t port, std::size_t in_flight, bool cache)
{
    dns::ResolverOptions options;
    options.servers = {dns::ServerAddress{net::IpAddress::v4(0x7f000001), port}};
    options.timeout = std::chrono::milliseconds(2000);
    options.tries = 2;
    options.max_in_flight = in_flight;
    options.use_cache = cache;
    auto r = dns::Resolver::create(options);
    if (!r) {
        std::fprintf(stderr, "resolver: %s\n", r.error().message.c_str());
        std::exit(2);
    }
    return std::move(*r);
}

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char** argv)
{
    Settings s;
    if (!parse_args(argc, argv, s)) {
        std::fprintf(stderr, "usage: fightback_bench_dns [--distinct N] [--lookups N] "
                             "[--delay-ms N] [--in-flight N] [--sequential-sample N]\n");
        return 2;
    }
    test_dns::FakeDnsServer server(&answer, std::chrono::milliseconds(s.delay_ms));

    // Distinct addresses from the benchmarking range 198.18.0.0/15, each looked up
    // lookups/distinct times, in a fixed shuffled order.
    std::vector<dns::Query> queries;
    queries.reserve(s.lookups);
    for (std::size_t i = 0; i < s.lookups; ++i) {
        const auto n = static_cast<std::uint32_t>(i % s.distinct);
        const auto ip = net::IpAddress::v4((198u << 24) | (18u << 16) | n);
        queries.push_back(dns::Query{dns::reverse_name(ip), dns::RecordType::ptr});
    }
    std::mt19937 rng(20031002);
    std::shuffle(queries.begin(), queries.end(), rng);

    std::printf("DNS benchmark: %zu look-ups of %zu distinct addresses, server delay %d ms, "
                "%zu queries in flight\n",
                s.lookups, s.distinct, s.delay_ms, s.in_flight);

    auto batch = make_resolver(server.port(), s.in_flight, true);
    const auto start = Clock::now();
    auto results = batch.resolve_many(queries);
    const double wall = seconds(Clock::now() - start);
    const auto failed = std::count_if(results.begin(), results.end(),
                                      [](const dns::DnsResult& r) { return !r; });
    const auto& st = batch.stats();
    const double bound = static_cast<double>(s.distinct) * s.delay_ms / 1000.0 /
                         static_cast<double>(s.in_flight);
    std::printf("batch:       %.3f s wall; %zu queries sent, %zu answered from the cache, %zu "
                "shared a pending query; %zu tries timed out; %ld failed\n",
                wall, st.sent, st.cache_hits, st.joined, st.timeouts, static_cast<long>(failed));
    for (const auto& r : results)
        if (!r) {
            std::printf("first failure: %s: %s\n", std::string(dns::kind_name(r.error().kind)).c_str(),
                        r.error().message.c_str());
            break;
        }
    std::printf("lower bound: %zu x %d ms / %zu = %.3f s; measured/bound = %.2f (target <= 2)\n",
                s.distinct, s.delay_ms, s.in_flight, bound, wall / bound);

    // The same look-ups again: every answer is still within its TTL.
    const auto again_start = Clock::now();
    auto again = batch.resolve_many(queries);
    const double again_wall = seconds(Clock::now() - again_start);
    std::printf("again:       %.3f s wall for the same %zu look-ups, %zu from the cache\n",
                again_wall, again.size(), batch.stats().cache_hits);

    auto sequential = make_resolver(server.port(), 1, false);
    const std::size_t sample = std::min(s.sequential_sample, queries.size());
    const auto seq_start = Clock::now();
    for (std::size_t i = 0; i < sample; ++i)
        (void)sequential.resolve(queries[i]);
    const double seq_sample = seconds(Clock::now() - seq_start);
    const double per_lookup = seq_sample / static_cast<double>(sample);
    const double seq_total = per_lookup * static_cast<double>(s.lookups);
    std::printf("sequential:  %zu look-ups one after another, no cache: %.3f s = %.1f ms each; "
                "x %zu look-ups = %.1f s (extrapolated)\n",
                sample, seq_sample, per_lookup * 1000.0, s.lookups, seq_total);
    const double speedup = seq_total / wall;
    std::printf("speed-up:    %.0fx over one after another (target >= 50)\n", speedup);

    const bool ok = failed == 0 && speedup >= 50.0 && wall <= 2.0 * bound;
    std::printf("result:      %s\n", ok ? "targets met" : "TARGET MISSED");
    return ok ? 0 : 1;
}
