// Cache bookkeeping. When full, expired entries go first, then the entries closest to
// expiring; a bound on entries keeps a hostile batch of names from growing memory without end.
#include "fightback/dns/cache.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

namespace fightback::dns {

Cache::Cache(CacheLimits limits, Clock clock) : m_limits(limits), m_clock(std::move(clock)) {}

std::string Cache::key(const Query& query)
{
    return fmt::format("{}/{}", query.name, static_cast<unsigned>(query.type));
}

std::optional<DnsResult> Cache::find(const Query& query)
{
    auto it = m_entries.find(key(query));
    if (it == m_entries.end())
        return std::nullopt;
    const auto now = m_clock();
    if (now >= it->second.expires) {
        m_entries.erase(it);
        return std::nullopt;
    }
    DnsResult result = it->second.result;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.expires - now);
    const auto ttl = static_cast<std::uint32_t>(std::max<std::int64_t>(left.count(), 0));
    if (result) {
        result->ttl = ttl;
        result->from_cache = true;
    } else {
        result.error().negative_ttl = ttl;
        result.error().from_cache = true;
    }
    return result;
}

void Cache::store(const Query& query, const DnsResult& result)
{
    std::uint32_t ttl = 0;
    if (result)
        ttl = std::min(result->ttl, m_limits.max_ttl);
    else if (result.error().is_negative() && result.error().negative_ttl)
        ttl = std::min(*result.error().negative_ttl, m_limits.max_negative_ttl);
    if (ttl == 0 || m_limits.max_entries == 0)
        return;
    const auto now = m_clock();
    std::string k = key(query);
    if (!m_entries.contains(k) && m_entries.size() >= m_limits.max_entries)
        make_room(now);
    Entry entry{result, now + std::chrono::seconds(ttl)};
    if (entry.result)
        entry.result->from_cache = false;
    else
        entry.result.error().from_cache = false;
    m_entries.insert_or_assign(std::move(k), std::move(entry));
}

void Cache::make_room(std::chrono::steady_clock::time_point now)
{
    std::erase_if(m_entries, [now](const auto& item) { return now >= item.second.expires; });
    if (m_entries.size() < m_limits.max_entries)
        return;
    // Still full: drop the quarter of entries that would expire soonest.
    std::vector<std::chrono::steady_clock::time_point> expiries;
    expiries.reserve(m_entries.size());
    for (const auto& item : m_entries)
        expiries.push_back(item.second.expires);
    auto cut = expiries.begin() + static_cast<std::ptrdiff_t>(expiries.size() / 4);
    std::nth_element(expiries.begin(), cut, expiries.end());
    const auto limit = *cut;
    std::erase_if(m_entries, [limit](const auto& item) { return item.second.expires <= limit; });
}

} // namespace fightback::dns
