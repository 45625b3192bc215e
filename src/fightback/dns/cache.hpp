// The answer cache: positive answers live for their TTL, NXDOMAIN and NODATA for the negative
// TTL the SOA allowed (RFC 2308); failures (SERVFAIL, timeouts, bad answers) are not kept, so
// the next look-up asks again. The clock is injected so tests can move time by hand.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "fightback/dns/answer.hpp"

namespace fightback::dns {

struct CacheLimits {
    std::size_t max_entries = 100'000;
    std::uint32_t max_ttl = 86'400;          // a day, whatever the zone says
    std::uint32_t max_negative_ttl = 10'800; // three hours (RFC 2308's suggestion)
};

class Cache {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;

    explicit Cache(CacheLimits limits = {}, Clock clock = &std::chrono::steady_clock::now);

    // The stored result with its TTL counted down and from_cache set; nothing once expired.
    std::optional<DnsResult> find(const Query& query);
    // Keeps what may be kept (see above); a TTL of zero is not kept.
    void store(const Query& query, const DnsResult& result);

    std::size_t size() const { return m_entries.size(); }
    void clear() { m_entries.clear(); }

private:
    struct Entry {
        DnsResult result;
        std::chrono::steady_clock::time_point expires;
    };

    static std::string key(const Query& query);
    void make_room(std::chrono::steady_clock::time_point now);

    CacheLimits m_limits;
    Clock m_clock;
    std::unordered_map<std::string, Entry> m_entries;
};

} // namespace fightback::dns
