// The event loop: c-ares tells us which sockets to watch (socket-state callback), poll() waits
// on them up to the next c-ares timeout, ares_process_fd() reads answers and expires tries.
// Results are queued and handed to callbacks from run(), outside c-ares, so a callback can
// submit more work without re-entering the library.
#include "fightback/dns/resolver.hpp"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "fightback/dns/channel.hpp"
#include "fightback/dns/name.hpp"
#include "fightback/dns/wire.hpp"

namespace fightback::dns {
namespace {

// Queries sent between two reads of the sockets.
constexpr std::size_t launch_burst = 32;

} // namespace

struct Resolver::Impl {
    struct Pending {
        Query query;
        std::vector<Callback> waiters;
    };
    struct Delivery {
        Callback callback;
        Query query;
        DnsResult result;
    };
    // What c-ares carries for one query on the wire.
    struct Sent {
        Impl* impl;
        std::string key;
    };

    ResolverOptions options;
    Cache cache;
    std::unordered_map<ares_socket_t, short> sockets;
    std::unordered_map<std::string, Pending> pending; // queued or on the wire, by question
    std::deque<std::string> queue;                    // not yet handed to c-ares
    std::deque<Delivery> ready;
    std::size_t in_flight = 0;
    ResolverStats stats;
    bool destroying = false;
    ChannelPtr channel;

    explicit Impl(ResolverOptions o) : options(std::move(o)), cache(options.cache_limits, options.clock)
    {
    }

    ~Impl()
    {
        // c-ares calls back every pending query with ARES_EDESTRUCTION and closes its sockets;
        // the maps above must still exist then.
        destroying = true;
        channel.reset();
    }

    static std::string key(const Query& query)
    {
        return fmt::format("{}/{}", query.name, static_cast<unsigned>(query.type));
    }

    static void on_socket_state(void* data, ares_socket_t socket, int readable, int writable)
    {
        auto& self = *static_cast<Impl*>(data);
        if (!readable && !writable)
            self.sockets.erase(socket);
        else
            self.sockets[socket] =
                static_cast<short>((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
    }

    DnsResult interpret(int status, const unsigned char* abuf, int alen, const Query& query) const
    {
        if (abuf && alen > 0)
            return parse_response({abuf, static_cast<std::size_t>(alen)}, query);
        switch (status) {
        case ARES_ETIMEOUT:
            return dns_fail(DnsErrorKind::timeout,
                            fmt::format("no answer after {} tries", options.tries));
        case ARES_ESERVFAIL:
            return dns_fail(DnsErrorKind::servfail, "the server failed to answer");
        case ARES_EREFUSED:
            return dns_fail(DnsErrorKind::refused, "the server refused to answer");
        case ARES_ECONNREFUSED:
            return dns_fail(DnsErrorKind::unreachable, "connection refused by the server");
        case ARES_ENOTFOUND: return dns_fail(DnsErrorKind::nxdomain, "no such name");
        case ARES_ENODATA: return dns_fail(DnsErrorKind::nodata, "no record");
        case ARES_EBADRESP:
        case ARES_EFORMERR:
            return dns_fail(DnsErrorKind::bad_answer, ares_strerror(status));
        case ARES_EBADNAME: return dns_fail(DnsErrorKind::bad_name, ares_strerror(status));
        default: return dns_fail(DnsErrorKind::failed, ares_strerror(status));
        }
    }

    static void on_answer(void* arg, int status, int timeouts, unsigned char* abuf, int alen)
    {
        std::unique_ptr<Sent> sent(static_cast<Sent*>(arg));
        Impl& self = *sent->impl;
        if (self.destroying)
            return;
        --self.in_flight;
        self.stats.timeouts += static_cast<std::size_t>(std::max(timeouts, 0));
        auto it = self.pending.find(sent->key);
        if (it == self.pending.end())
            return;
        Pending done = std::move(it->second);
        self.pending.erase(it);
        DnsResult result = self.interpret(status, abuf, alen, done.query);
        if (self.options.use_cache)
            self.cache.store(done.query, result);
        for (auto& callback : done.waiters)
            self.ready.push_back(Delivery{std::move(callback), done.query, result});
    }

    void deliver()
    {
        while (!ready.empty()) {
            std::deque<Delivery> batch;
            batch.swap(ready);
            for (auto& d : batch)
                d.callback(d.query, d.result);
        }
    }

    void launch()
    {
        std::size_t since_drain = 0;
        while (in_flight < options.max_in_flight && !queue.empty()) {
            // Read what has arrived while sending a burst: with hundreds of queries out, the
            // first answers would otherwise overflow the socket's receive buffer.
            if (++since_drain == launch_burst) {
                since_drain = 0;
                wait_and_process(0);
            }
            std::string k = std::move(queue.front());
            queue.pop_front();
            auto it = pending.find(k);
            if (it == pending.end())
                continue;
            const std::string name = it->second.query.name;
            const int type = static_cast<int>(it->second.query.type);
            ++in_flight;
            ++stats.sent;
            stats.max_in_flight_seen = std::max(stats.max_in_flight_seen, in_flight);
            // c-ares owns `Sent` until it calls on_answer, which it always does exactly once.
            ares_query(channel.get(), name.c_str(), 1 /* class IN */, type, &on_answer,
                       new Sent{this, std::move(k)});
        }
    }

    // Waits up to `max_wait_ms` (-1: until the next c-ares timeout) for sockets to become ready,
    // then lets c-ares read them and expire tries.
    void wait_and_process(int max_wait_ms)
    {
        std::vector<pollfd> fds;
        fds.reserve(sockets.size());
        for (const auto& [fd, events] : sockets)
            fds.push_back(pollfd{fd, events, 0});
        timeval longest{1, 0};
        timeval left{};
        int wait_ms = 1000;
        if (const timeval* t = ares_timeout(channel.get(), &longest, &left))
            wait_ms = static_cast<int>(t->tv_sec * 1000 + (t->tv_usec + 999) / 1000);
        if (max_wait_ms >= 0)
            wait_ms = std::min(wait_ms, max_wait_ms);
        const int n = poll(fds.data(), fds.size(), wait_ms);
        if (n <= 0) {
            // Timed out (or interrupted): let c-ares expire tries and resend.
            ares_process_fd(channel.get(), ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            return;
        }
        for (const auto& p : fds) {
            if (!p.revents)
                continue;
            const bool readable = p.revents & (POLLIN | POLLERR | POLLHUP);
            const bool writable = (p.events & POLLOUT) && (p.revents & (POLLOUT | POLLERR));
            ares_process_fd(channel.get(), readable ? p.fd : ARES_SOCKET_BAD,
                            writable ? p.fd : ARES_SOCKET_BAD);
        }
    }
};

Resolver::Resolver(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Resolver::Resolver(Resolver&&) noexcept = default;
Resolver& Resolver::operator=(Resolver&&) noexcept = default;
Resolver::~Resolver() = default;

Expected<Resolver> Resolver::create(ResolverOptions options)
{
    if (options.max_in_flight == 0)
        return fail(ErrorKind::invalid, "at least one DNS query must be allowed in flight");
    auto impl = std::make_unique<Impl>(std::move(options));
    ChannelSettings settings;
    settings.servers = impl->options.servers;
    settings.timeout = impl->options.timeout;
    settings.tries = impl->options.tries;
    // Many answers can arrive between two reads when hundreds of queries are out.
    if (impl->options.max_in_flight > 64)
        settings.receive_buffer = 1 << 20;
    settings.on_socket_state = &Impl::on_socket_state;
    settings.callback_data = impl.get();
    auto channel = make_channel(settings);
    if (!channel)
        return std::unexpected(channel.error());
    impl->channel = std::move(*channel);
    return Resolver(std::move(impl));
}

void Resolver::submit(Query query, Callback done)
{
    Impl& s = *m_impl;
    ++s.stats.submitted;
    auto name = normalize_name(query.name, NameRules::lookup);
    if (!name) {
        s.ready.push_back({std::move(done), query,
                           dns_fail(DnsErrorKind::bad_name, name.error().message)});
        return;
    }
    query.name = std::move(*name);
    if (s.options.use_cache) {
        if (auto hit = s.cache.find(query)) {
            ++s.stats.cache_hits;
            s.ready.push_back({std::move(done), std::move(query), std::move(*hit)});
            return;
        }
    }
    std::string k = Impl::key(query);
    auto [it, inserted] = s.pending.try_emplace(k, Impl::Pending{query, {}});
    it->second.waiters.push_back(std::move(done));
    if (inserted)
        s.queue.push_back(std::move(k));
    else
        ++s.stats.joined;
}

void Resolver::run()
{
    Impl& s = *m_impl;
    while (true) {
        s.deliver();
        s.launch();
        if (s.in_flight == 0) {
            if (s.ready.empty() && s.queue.empty())
                return;
            continue;
        }
        s.wait_and_process(-1);
    }
}

std::vector<DnsResult> Resolver::resolve_many(std::span<const Query> queries)
{
    std::vector<std::optional<DnsResult>> slots(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i)
        submit(queries[i], [&slots, i](const Query&, const DnsResult& r) { slots[i] = r; });
    run();
    std::vector<DnsResult> out;
    out.reserve(slots.size());
    for (auto& slot : slots)
        out.push_back(slot ? std::move(*slot)
                           : dns_fail(DnsErrorKind::failed, "the query was never answered"));
    return out;
}

DnsResult Resolver::resolve(const Query& query)
{
    return std::move(resolve_many(std::span<const Query>(&query, 1)).front());
}

DnsResult Resolver::resolve(std::string_view name, RecordType type)
{
    return resolve(Query{std::string(name), type});
}

DnsResult Resolver::reverse(const net::IpAddress& address)
{
    return resolve(reverse_name(address), RecordType::ptr);
}

const ResolverStats& Resolver::stats() const
{
    return m_impl->stats;
}

Cache& Resolver::cache()
{
    return m_impl->cache;
}

std::vector<ServerAddress> Resolver::servers() const
{
    auto list = channel_servers(m_impl->channel.get());
    return list ? *list : std::vector<ServerAddress>{};
}

} // namespace fightback::dns
