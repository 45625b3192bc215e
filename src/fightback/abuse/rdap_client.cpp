// RDAP client: redirects by hand so every hop is rate-limited and recorded.
#include "fightback/abuse/rdap_client.hpp"

#include <fmt/format.h>

#include "fightback/abuse/registry.hpp"
#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

} // namespace

Expected<HttpResponse> RdapClient::fetch(const std::string& url,
                                         std::vector<std::string>& notes) const
{
    const std::string key = rate_limit_key(url_host(url));
    for (int attempt = 1;; ++attempt) {
        m_limiter.acquire(key);
        auto response = http_get(url, m_options.http);
        if (!response)
            return response;
        const long status = response->status;
        if (status != 429 && status < 500)
            return response;
        const bool last = attempt >= m_options.max_attempts;
        if (status == 429) {
            auto wait = response->retry_after ? parse_retry_after(*response->retry_after)
                                              : std::optional<std::chrono::seconds>{};
            auto pause = wait.value_or(std::chrono::seconds(5));
            if (pause > m_options.max_retry_after || last)
                return fail(ErrorKind::temporary,
                            fmt::format("{}: rate limited (HTTP 429, Retry-After {}s)",
                                        printable(url), pause.count()));
            notes.push_back(fmt::format("{} asked us to wait {}s (HTTP 429)", key, pause.count()));
            m_limiter.defer(key, RateLimiter::Clock::now() + pause);
            continue;
        }
        if (last)
            return fail(ErrorKind::temporary,
                        fmt::format("{}: server error (HTTP {})", printable(url), status));
        notes.push_back(fmt::format("{}: HTTP {}, retrying", key, status));
        m_limiter.defer(key, RateLimiter::Clock::now() + m_options.server_error_pause);
    }
}

Expected<RdapLookup> RdapClient::lookup(const net::IpAddress& ip) const
{
    auto base = m_bootstrap.base_url(ip);
    if (!base)
        return fail(ErrorKind::not_found,
                    fmt::format("no RDAP service in the bootstrap serves {}", ip.to_string()));
    RdapLookup result;
    std::string url = *base + "ip/" + ip.to_string();
    for (int hop = 0;; ++hop) {
        auto response = fetch(url, result.notes);
        if (!response)
            return std::unexpected(response.error());
        if (is_redirect(response->status)) {
            if (!response->location)
                return fail(ErrorKind::parse,
                            fmt::format("{}: redirect without a Location", printable(url)));
            if (hop >= m_options.max_redirects)
                return fail(ErrorKind::limit, fmt::format("more than {} redirects for {}",
                                                          m_options.max_redirects, ip.to_string()));
            auto next = resolve_location(url, *response->location);
            if (!next)
                return std::unexpected(next.error());
            if (!next->starts_with("http://") && !next->starts_with("https://"))
                return fail(ErrorKind::invalid, fmt::format("{}: redirect to a non-http URL",
                                                            printable(url)));
            result.redirects.push_back(*next);
            url = std::move(*next);
            continue;
        }
        if (response->status == 404)
            return fail(ErrorKind::not_found, fmt::format("{} has no record of {} (HTTP 404)",
                                                          url_host(url), ip.to_string()));
        if (response->status != 200) {
            auto error = parse_rdap_body(response->body);
            return fail(ErrorKind::parse,
                        fmt::format("{}: HTTP {}{}", printable(url), response->status,
                                    error ? "" : ": " + error.error().message));
        }
        auto doc = parse_rdap_body(response->body);
        if (!doc)
            return fail(doc.error().kind,
                        fmt::format("{}: {}", url_host(url), doc.error().message));
        auto network = read_ip_network(*doc);
        if (!network)
            return fail(network.error().kind,
                        fmt::format("{}: {}", url_host(url), network.error().message));
        result.network = std::move(*network);
        result.url = url;
        result.host = url_host(url);
        break;
    }
    fetch_entities(result);
    return result;
}

void RdapClient::fetch_entities(RdapLookup& lookup) const
{
    int fetched = 0;
    const std::string own_key = rate_limit_key(lookup.host);
    for (auto& entity : lookup.network.abuse) {
        if (!entity.emails.empty() || !entity.self_url)
            continue;
        if (fetched >= m_options.max_entity_fetches) {
            lookup.notes.push_back("more abuse entities without e-mail than we fetch; skipped");
            break;
        }
        if (rate_limit_key(url_host(*entity.self_url)) != own_key) {
            lookup.notes.push_back(fmt::format("entity {} links to another server; not fetched",
                                               printable(entity.handle)));
            continue;
        }
        ++fetched;
        auto response = fetch(*entity.self_url, lookup.notes);
        if (!response || response->status != 200) {
            lookup.notes.push_back(fmt::format(
                "entity {}: self link failed ({})", printable(entity.handle),
                response ? fmt::format("HTTP {}", response->status) : response.error().message));
            continue;
        }
        auto doc = parse_rdap_body(response->body);
        if (!doc) {
            lookup.notes.push_back(fmt::format("entity {}: {}", printable(entity.handle),
                                               doc.error().message));
            continue;
        }
        entity.emails = read_entity_emails(*doc);
        lookup.notes.push_back(fmt::format("fetched abuse entity {} by its self link",
                                           printable(entity.handle)));
    }
}

} // namespace fightback::abuse
