// The asynchronous resolver: submit any number of queries, then run() the event loop until
// every one has its result. Up to `max_in_flight` queries are on the wire at once; the same
// question asked twice while the first is pending is sent once; answers come from the cache
// while their TTL lasts. resolve_many() and the blocking helpers are built on submit + run.
//
// Callbacks run inside run(), never inside submit(), and may submit further queries, which the
// same run() then resolves.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "fightback/dns/answer.hpp"
#include "fightback/dns/cache.hpp"
#include "fightback/dns/server_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::dns {

struct ResolverOptions {
    std::vector<ServerAddress> servers; // empty: the system's resolvers
    // Wait for the first try; c-ares doubles it for each later round over the servers, so a
    // query to one server with 2 tries gives up after timeout * 3.
    std::chrono::milliseconds timeout{2000};
    int tries = 2;
    std::size_t max_in_flight = 256;
    bool use_cache = true;
    CacheLimits cache_limits;
    Cache::Clock clock = &std::chrono::steady_clock::now;
};

struct ResolverStats {
    std::size_t submitted = 0;  // queries asked of the resolver
    std::size_t sent = 0;       // queries handed to c-ares (one per distinct question)
    std::size_t cache_hits = 0; // answered from the cache
    std::size_t joined = 0;     // shared a query already pending
    std::size_t max_in_flight_seen = 0;
    std::size_t timeouts = 0;   // tries that went unanswered (each retried or given up)
};

class Resolver {
public:
    using Callback = std::function<void(const Query& query, const DnsResult& result)>;

    static Expected<Resolver> create(ResolverOptions options);

    Resolver(Resolver&&) noexcept;
    Resolver& operator=(Resolver&&) noexcept;
    ~Resolver();

    // The name is checked and normalised first; an invalid one fails with bad_name.
    void submit(Query query, Callback done);
    // Runs until no query is pending or queued and every callback has run.
    void run();

    // Results in the order of `queries`.
    std::vector<DnsResult> resolve_many(std::span<const Query> queries);
    DnsResult resolve(const Query& query);
    DnsResult resolve(std::string_view name, RecordType type);
    // PTR for an address (in-addr.arpa / ip6.arpa).
    DnsResult reverse(const net::IpAddress& address);

    const ResolverStats& stats() const;
    Cache& cache();
    // The servers c-ares was set up with (the system's when none were given).
    std::vector<ServerAddress> servers() const;

private:
    struct Impl;
    explicit Resolver(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace fightback::dns
