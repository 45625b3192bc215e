// RDAP lookups for one address: the bootstrap names the registry, redirects (transfers
// between registries) are followed up to a bound and recorded, each request waits for its
// registry's rate-limit slot, 429 Retry-After and 5xx are retried within bounds, and abuse
// entities that came without e-mail are fetched by their self link (a few, same registry only).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "fightback/abuse/bootstrap.hpp"
#include "fightback/abuse/http_client.hpp"
#include "fightback/abuse/rate_limiter.hpp"
#include "fightback/abuse/rdap_answer.hpp"

namespace fightback::abuse {

struct RdapOptions {
    HttpOptions http;
    int max_redirects = 5;
    int max_entity_fetches = 3;
    int max_attempts = 3;                       // per URL, for 429 and 5xx
    std::chrono::seconds max_retry_after{30};   // a longer Retry-After is a failure
    std::chrono::milliseconds server_error_pause{2000};
};

struct RdapLookup {
    RdapNetwork network;
    std::string url;               // the URL that answered
    std::string host;              // its host: the registry that answered
    std::vector<std::string> redirects; // URLs we were sent to, in order
    std::vector<std::string> notes;
};

class RdapClient {
public:
    RdapClient(const Bootstrap& bootstrap, RateLimiter& limiter, RdapOptions options)
        : m_bootstrap(bootstrap), m_limiter(limiter), m_options(std::move(options))
    {
    }

    // not_found: no registry serves the address, or the registry has no record of it;
    // temporary: timeouts, throttling, server errors; parse/limit: a broken or hostile answer.
    Expected<RdapLookup> lookup(const net::IpAddress& ip) const;

private:
    Expected<HttpResponse> fetch(const std::string& url, std::vector<std::string>& notes) const;
    void fetch_entities(RdapLookup& lookup) const;

    const Bootstrap& m_bootstrap;
    RateLimiter& m_limiter;
    RdapOptions m_options;
};

} // namespace fightback::abuse
