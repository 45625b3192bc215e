// At most one request per interval per registry, shared by every thread: a caller reserves
// the next free slot for its key and sleeps until then. A registry that said "slow down"
// (HTTP 429 Retry-After, WHOIS %ERROR:201) is deferred as a whole.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace fightback::abuse {

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    explicit RateLimiter(std::chrono::milliseconds interval) : m_interval(interval) {}

    // Blocks until `key` may be asked again; the slot is then taken.
    void acquire(const std::string& key);
    // No request to `key` before `until`.
    void defer(const std::string& key, Clock::time_point until);
    // Requests made per key so far.
    std::map<std::string, int> counts() const;

private:
    std::chrono::milliseconds m_interval;
    mutable std::mutex m_mutex;
    std::map<std::string, Clock::time_point> m_next;
    std::map<std::string, int> m_counts;
};

} // namespace fightback::abuse
