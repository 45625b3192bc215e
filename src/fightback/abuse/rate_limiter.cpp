// Slot reservation under a mutex; the sleep happens outside it.
#include "fightback/abuse/rate_limiter.hpp"

#include <thread>

namespace fightback::abuse {

void RateLimiter::acquire(const std::string& key)
{
    Clock::time_point slot;
    {
        std::lock_guard lock(m_mutex);
        const auto now = Clock::now();
        auto& next = m_next[key];
        slot = next > now ? next : now;
        next = slot + m_interval;
        ++m_counts[key];
    }
    std::this_thread::sleep_until(slot);
}

void RateLimiter::defer(const std::string& key, Clock::time_point until)
{
    std::lock_guard lock(m_mutex);
    auto& next = m_next[key];
    if (until > next)
        next = until;
}

std::map<std::string, int> RateLimiter::counts() const
{
    std::lock_guard lock(m_mutex);
    return m_counts;
}

} // namespace fightback::abuse
