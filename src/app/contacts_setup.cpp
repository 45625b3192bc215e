// Flags over config for the contact search.
#include "contacts_setup.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "fightback/abuse/http_client.hpp"
#include "fightback/dns/mail_domain.hpp"

namespace fightback::app {

void ContactFlags::add_to(CLI::App& command)
{
    command.add_option("--rdap-bootstrap", rdap_bootstrap,
                       "RDAP bootstrap: a directory holding ipv4.json/ipv6.json, or one file");
    command.add_option("--whois-server", whois_server,
                       "the first WHOIS server asked, HOST[:PORT] (default whois.iana.org)");
    command.add_option("--connect-to", connect_to,
                       "HOST:PORT:HOST2:PORT2: reach a named RDAP or WHOIS server at another "
                       "address (curl's syntax; repeatable)")
        ->allow_extra_args(false);
    command.add_option("--contact-zone", contact_zones,
                       "a DNS contact zone to ask (repeatable; default abuse-contacts.abusix.zone)")
        ->allow_extra_args(false);
    command.add_flag("--no-contact-zones", no_contact_zones, "ask no DNS contact zone");
    command.add_option("--registry-interval", registry_interval,
                       "seconds between two requests to one registry (default 1)");
    command.add_option("--timeout", timeout, "seconds per registry request (default 15)");
    command.add_option("--ledger", ledger, "the SQLite ledger holding the contact cache");
    command.add_flag("--no-cache", no_cache, "neither read nor write the contact cache");
    command.add_flag("--no-whois", no_whois, "RDAP only: never fall back to port-43 WHOIS");
    command.add_flag("--loopback-only", loopback_only,
                     "never connect anywhere but 127.0.0.0/8 and ::1 (test worlds)");
}

Expected<void> ContactFlags::apply(config::ContactsConfig& c) const
{
    if (rdap_bootstrap)
        c.rdap_bootstrap = *rdap_bootstrap;
    if (whois_server)
        c.whois_server = *whois_server;
    if (!connect_to.empty())
        c.connect_to = connect_to;
    if (!contact_zones.empty())
        c.contact_zones = contact_zones;
    if (no_contact_zones)
        c.contact_zones = std::vector<std::string>{};
    if (registry_interval) {
        if (*registry_interval < 0 || *registry_interval > 3600)
            return fail(ErrorKind::invalid, "--registry-interval: expected 0 to 3600 seconds");
        c.registry_interval = *registry_interval;
    }
    if (timeout) {
        if (*timeout <= 0 || *timeout > 600)
            return fail(ErrorKind::invalid, "--timeout: expected more than 0, at most 600 seconds");
        c.timeout = *timeout;
    }
    if (ledger)
        c.ledger = *ledger;
    if (loopback_only)
        c.loopback_only = true;
    for (const auto& m : c.connect_to)
        if (auto r = abuse::check_connect_to(m); !r)
            return r;
    return {};
}

Expected<abuse::FinderOptions> finder_options(const config::ContactsConfig& c)
{
    abuse::FinderOptions o;
    o.rdap.http.connect_to = c.connect_to;
    o.whois.connect_to = c.connect_to;
    if (c.whois_server)
        o.whois.first_server = *c.whois_server;
    if (!abuse::parse_whois_server(o.whois.first_server))
        return fail(ErrorKind::invalid, fmt::format("whois server '{}' is not HOST[:PORT]",
                                                    o.whois.first_server));
    if (c.contact_zones)
        o.contact_zones = *c.contact_zones;
    if (c.registry_interval)
        o.registry_interval =
            std::chrono::milliseconds(static_cast<long long>(*c.registry_interval * 1000));
    if (c.timeout) {
        auto t = std::chrono::milliseconds(static_cast<long long>(*c.timeout * 1000));
        o.rdap.http.timeout = t;
        o.whois.timeout = t;
    }
    if (c.cache_days)
        o.cache_ttl = std::chrono::seconds(std::int64_t{*c.cache_days} * 24 * 3600);
    if (c.rwhois)
        o.whois.rwhois = *c.rwhois;
    if (c.loopback_only && *c.loopback_only) {
        o.rdap.http.loopback_only = true;
        o.whois.loopback_only = true;
    }
    return o;
}

std::optional<std::filesystem::path> stored_bootstrap_dir()
{
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "fightback" / "rdap";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "share" / "fightback" / "rdap";
    return std::nullopt;
}

Expected<abuse::Bootstrap> load_bootstrap(const config::ContactsConfig& c)
{
    if (c.rdap_bootstrap)
        return abuse::Bootstrap::load(*c.rdap_bootstrap);
    std::error_code ec;
    if (auto dir = stored_bootstrap_dir(); dir && std::filesystem::exists(*dir / "ipv4.json", ec))
        return abuse::Bootstrap::load(*dir);
    return abuse::Bootstrap::shipped();
}

Expected<dns::ResolverOptions> contact_dns_options(const config::DnsConfig& dns,
                                                   const std::vector<std::string>& flag_servers)
{
    dns::ResolverOptions options;
    options.servers = dns.servers;
    if (!flag_servers.empty()) {
        options.servers.clear();
        for (const auto& text : flag_servers) {
            auto server = dns::ServerAddress::parse(text);
            if (!server)
                return fail(ErrorKind::invalid,
                            fmt::format("--dns-server: {}", server.error().message));
            options.servers.push_back(*server);
        }
    }
    if (dns.timeout)
        options.timeout = *dns.timeout;
    if (dns.tries)
        options.tries = *dns.tries;
    return options;
}

abuse::TxtLookup dns_txt_lookup(dns::Resolver& resolver)
{
    return [&resolver](const std::string& name) -> Expected<std::vector<std::string>> {
        auto r = resolver.resolve(name, dns::RecordType::txt);
        if (r)
            return r->texts;
        if (r.error().is_negative())
            return std::vector<std::string>{};
        return std::unexpected(dns::to_error(r.error()));
    };
}

abuse::DomainRouteLookup dns_domain_route(dns::Resolver& resolver,
                                          const dns::PublicSuffixList& suffixes)
{
    return [&resolver, &suffixes](
               const net::IpAddress& addr) -> Expected<std::optional<abuse::DomainRoute>> {
        auto found = dns::find_sender_domain(resolver, suffixes, addr);
        if (!found.host_name || !found.registrable) {
            if (found.temporary)
                return fail(ErrorKind::temporary, found.reason);
            return std::optional<abuse::DomainRoute>{};
        }
        // The registrable domain itself must take mail, not only a name below it.
        auto domain = found.domain;
        if (!domain || *domain != *found.registrable) {
            auto top = dns::find_mail_domain(resolver, suffixes, *found.registrable);
            if (!top.domain && top.temporary)
                return fail(ErrorKind::temporary, top.reason);
            domain = top.domain;
        }
        if (!domain || *domain != *found.registrable)
            return std::optional<abuse::DomainRoute>{};
        return std::optional<abuse::DomainRoute>{abuse::DomainRoute{*domain, *found.host_name}};
    };
}

Expected<std::unique_ptr<ContactDns>> make_contact_dns(const config::DnsConfig& dns,
                                                       const std::vector<std::string>& servers)
{
    auto options = contact_dns_options(dns, servers);
    if (!options)
        return std::unexpected(options.error());
    auto out = std::make_unique<ContactDns>();
    auto created = dns::Resolver::create(*options);
    auto psl = dns::PublicSuffixList::load_default();
    if (!created || !psl) {
        out->unavailable = !created ? created.error().message : psl.error().message;
        return out;
    }
    out->resolver.emplace(std::move(*created));
    out->suffixes.emplace(std::move(*psl));
    out->txt = dns_txt_lookup(*out->resolver);
    out->route = dns_domain_route(*out->resolver, *out->suffixes);
    return out;
}

} // namespace fightback::app
