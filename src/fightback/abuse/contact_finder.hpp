// The contact search for a batch of addresses: registries in order (cache, RDAP, WHOIS when
// RDAP gave no abuse mailbox), then the DNS contact zones and the domain route, then the
// ranking. Registries are asked side by side, one worker per registry, each waiting for its
// registry's rate-limit slot; an address inside a range already answered in this run or in the
// cache costs no request. The DNS sources run in the calling thread (`txt` and `domain_route`
// need not be thread-safe).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fightback/abuse/bootstrap.hpp"
#include "fightback/abuse/contact_cache.hpp"
#include "fightback/abuse/contact_zone.hpp"
#include "fightback/abuse/rdap_client.hpp"
#include "fightback/abuse/registry_answer.hpp"
#include "fightback/abuse/whois_client.hpp"

namespace fightback::abuse {

struct FinderOptions {
    RdapOptions rdap;
    WhoisOptions whois;
    std::chrono::milliseconds registry_interval{1000}; // per registry, between requests
    std::vector<std::string> contact_zones{std::string(default_contact_zone)};
    std::chrono::seconds cache_ttl{7 * 24 * 3600};
    bool use_whois = true;
    std::size_t max_workers = 8;
};

struct ContactResult {
    net::IpAddress ip;
    std::string registry;           // the server whose answer the contacts come from; may be empty
    std::optional<IpRange> range;   // the range that answer covers
    std::string network_name;       // the range's name there (empty when not given)
    Decision decision;
    std::vector<std::string> notes;  // what happened, in words
    std::vector<std::string> errors; // lookups that failed
    bool cached = false;             // the registry part came from the ledger
    // The registry could not be asked now (a timeout, throttling, a server error) and did not
    // say "no record" either: a search without a contact is worth repeating later. A 404 from
    // RDAP is an answer, whatever WHOIS says after it.
    bool retry_later = false;
};

class ContactFinder {
public:
    // `cache`, `txt` and `domain_route` may be empty: that source is then skipped.
    ContactFinder(FinderOptions options, Bootstrap bootstrap, const ContactCache* cache,
                  TxtLookup txt, DomainRouteLookup domain_route);

    std::vector<ContactResult> find(const std::vector<net::IpAddress>& ips);

    // Requests sent so far, per registry (rate-limit key).
    std::map<std::string, int> request_counts() const { return m_limiter.counts(); }

private:
    struct RegistryPart {
        std::optional<RegistryAnswer> answer;
        std::vector<std::string> notes;
        std::vector<std::string> errors;
        bool cached = false;
        bool retry_later = false;
    };
    RegistryPart registry_part(const net::IpAddress& ip);
    std::optional<RegistryAnswer> known_answer(const net::IpAddress& ip, bool& cached);
    void remember(const RegistryAnswer& answer);
    ContactResult finish(const net::IpAddress& ip, RegistryPart part) const;

    FinderOptions m_options;
    Bootstrap m_bootstrap;
    const ContactCache* m_cache;
    TxtLookup m_txt;
    DomainRouteLookup m_domain_route;
    RateLimiter m_limiter;
    RdapClient m_rdap;
    WhoisClient m_whois;
    std::mutex m_memo_mutex;
    std::vector<RegistryAnswer> m_memo; // answers with a range, this run
};

} // namespace fightback::abuse
