// The contact search: per-registry workers over queues of addresses, then per-address sources
// and the ranking.
#include "fightback/abuse/contact_finder.hpp"

#include <algorithm>
#include <ctime>
#include <thread>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

std::int64_t now_seconds()
{
    return static_cast<std::int64_t>(std::time(nullptr));
}

constexpr int score_zone_first = 60;
constexpr int score_zone_more = 55;
constexpr int score_domain = 60;

} // namespace

ContactFinder::ContactFinder(FinderOptions options, Bootstrap bootstrap, const ContactCache* cache,
                             TxtLookup txt, DomainRouteLookup domain_route)
    : m_options(std::move(options)), m_bootstrap(std::move(bootstrap)), m_cache(cache),
      m_txt(std::move(txt)), m_domain_route(std::move(domain_route)),
      m_limiter(m_options.registry_interval), m_rdap(m_bootstrap, m_limiter, m_options.rdap),
      m_whois(m_limiter, m_options.whois)
{
}

std::optional<RegistryAnswer> ContactFinder::known_answer(const net::IpAddress& ip, bool& cached)
{
    {
        std::lock_guard lock(m_memo_mutex);
        const RegistryAnswer* best = nullptr;
        for (const auto& a : m_memo)
            if (a.range->contains(ip) && (!best || a.range->span() < best->range->span()))
                best = &a;
        if (best)
            return *best;
    }
    if (m_cache) {
        if (auto a = m_cache->find(ip, now_seconds())) {
            cached = true;
            remember(*a);
            return a;
        }
    }
    return std::nullopt;
}

void ContactFinder::remember(const RegistryAnswer& answer)
{
    if (!answer.range)
        return;
    std::lock_guard lock(m_memo_mutex);
    for (const auto& a : m_memo)
        if (a.range->first == answer.range->first && a.range->last == answer.range->last)
            return;
    m_memo.push_back(answer);
}

ContactFinder::RegistryPart ContactFinder::registry_part(const net::IpAddress& ip)
{
    RegistryPart part;
    if (auto known = known_answer(ip, part.cached)) {
        part.answer = std::move(known);
        return part;
    }
    std::optional<RegistryAnswer> rdap_answer;
    std::optional<WhoisServer> whois_start;
    auto rdap = m_rdap.lookup(ip);
    if (rdap) {
        rdap_answer = answer_from_rdap(rdap->network, rdap->host);
        for (const auto& r : rdap->redirects)
            part.notes.push_back(fmt::format("redirected to {}", printable(r)));
        for (auto& n : rdap->notes)
            part.notes.push_back(std::move(n));
        // Start WHOIS at the registry RDAP named, when it is a known registry's server.
        if (auto s = parse_whois_server(rdap->network.port43);
            s && registry_for_host(s->host) != RegistryId::unknown &&
            registry_for_host(s->host) == registry_for_host(rdap->host))
            whois_start = s;
    } else {
        part.errors.push_back("RDAP: " + rdap.error().message);
        part.retry_later = rdap.error().kind == ErrorKind::temporary;
    }
    if (rdap_answer && rdap_answer->has_abuse_mailbox()) {
        part.answer = std::move(rdap_answer);
    } else if (m_options.use_whois) {
        auto whois = m_whois.lookup(ip, whois_start);
        if (whois) {
            auto w = answer_from_whois(whois->answer, whois->server);
            if (whois->chain.size() > 1)
                part.notes.push_back("WHOIS asked " + [&] {
                    std::string s;
                    for (const auto& c : whois->chain)
                        s += (s.empty() ? "" : " -> ") + c;
                    return s;
                }());
            for (auto& n : whois->notes)
                part.notes.push_back(std::move(n));
            part.answer = rdap_answer ? merge_answers(std::move(*rdap_answer), std::move(w))
                                      : std::move(w);
        } else {
            part.errors.push_back("WHOIS: " + whois.error().message);
            // After an RDAP "no record", WHOIS could only have repeated it.
            if (whois.error().kind == ErrorKind::temporary &&
                (rdap || rdap.error().kind != ErrorKind::not_found))
                part.retry_later = true;
            part.answer = std::move(rdap_answer);
        }
    } else {
        part.answer = std::move(rdap_answer);
    }
    if (part.answer) {
        // A range that does not hold the address is not a key the cache may use.
        if (part.answer->range && !part.answer->range->contains(ip)) {
            part.notes.push_back(fmt::format("the registry's range {} does not hold {}; not cached",
                                             part.answer->range->to_string(), ip.to_string()));
            part.answer->range.reset();
        }
        remember(*part.answer);
        if (m_cache && part.answer->range) {
            if (auto r = m_cache->store(*part.answer, now_seconds(), m_options.cache_ttl); !r)
                part.errors.push_back(r.error().message);
        }
    }
    return part;
}

ContactResult ContactFinder::finish(const net::IpAddress& ip, RegistryPart part) const
{
    ContactResult result{ip, {}, {}, {}, {}, std::move(part.notes), std::move(part.errors),
                         part.cached, part.retry_later};
    std::vector<Evidence> evidence;
    RankContext context;
    if (part.answer) {
        result.registry = part.answer->registry;
        result.range = part.answer->range;
        result.network_name = part.answer->network_name;
        evidence = part.answer->evidence;
        context = {part.answer->answered_by, part.answer->space_holder};
        for (const auto& n : part.answer->notes)
            result.notes.push_back(n);
    }
    if (m_txt) {
        for (const auto& zone : m_options.contact_zones) {
            const auto name = contact_zone_name(ip, zone);
            auto txt = m_txt(name);
            if (!txt) {
                result.errors.push_back(fmt::format("contact zone {}: {}", zone,
                                                    txt.error().message));
                continue;
            }
            auto found = read_zone_txt(*txt);
            if (found.says_none)
                result.notes.push_back(fmt::format("contact zone {} says there is no contact",
                                                   zone));
            for (std::size_t i = 0; i < found.addresses.size(); ++i)
                evidence.push_back({found.addresses[i], Source::dns_zone,
                                    i == 0 ? score_zone_first : score_zone_more,
                                    fmt::format("TXT {}", name)});
        }
    }
    if (m_domain_route) {
        auto route = m_domain_route(ip);
        if (!route)
            result.errors.push_back("domain route: " + route.error().message);
        else if (*route)
            evidence.push_back({"abuse@" + (*route)->domain, Source::domain, score_domain,
                                fmt::format("abuse@ the registrable domain of {} (forward-"
                                            "confirmed PTR), which takes mail",
                                            (*route)->ptr)});
    }
    result.decision = rank(evidence, context);
    for (const auto& r : result.decision.rejected)
        result.notes.push_back("rejected " + r);
    return result;
}

std::vector<ContactResult> ContactFinder::find(const std::vector<net::IpAddress>& ips)
{
    // One queue per registry the bootstrap names (addresses it cannot place go to WHOIS's).
    std::map<std::string, std::vector<std::size_t>> lanes;
    for (std::size_t i = 0; i < ips.size(); ++i) {
        auto base = m_bootstrap.base_url(ips[i]);
        lanes[base ? rate_limit_key(url_host(*base)) : std::string("whois")].push_back(i);
    }
    std::vector<std::optional<RegistryPart>> parts(ips.size());
    std::vector<std::vector<std::size_t>*> queues;
    for (auto& [key, queue] : lanes)
        queues.push_back(&queue);
    const std::size_t workers = std::max<std::size_t>(
        1, std::min(queues.size(), std::max<std::size_t>(1, m_options.max_workers)));
    auto work = [&](std::size_t worker) {
        for (std::size_t q = worker; q < queues.size(); q += workers)
            for (std::size_t i : *queues[q]) {
                try {
                    parts[i] = registry_part(ips[i]);
                } catch (const std::exception& e) { // e.g. bad_alloc: this address fails alone
                    parts[i] = RegistryPart{};
                    parts[i]->errors.push_back(e.what());
                }
            }
    };
    if (workers == 1) {
        work(0);
    } else {
        std::vector<std::jthread> threads;
        for (std::size_t w = 0; w < workers; ++w)
            threads.emplace_back(work, w);
    }
    std::vector<ContactResult> out;
    out.reserve(ips.size());
    // DNS sources and ranking in the calling thread: the resolver is not shared across threads.
    for (std::size_t i = 0; i < ips.size(); ++i)
        out.push_back(finish(ips[i], std::move(*parts[i])));
    return out;
}

} // namespace fightback::abuse
