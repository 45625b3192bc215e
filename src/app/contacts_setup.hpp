// What `contacts` and `update-bootstrap` share: the [contacts] settings with the command's
// flags applied on top, and turning them into the finder's options.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fightback/abuse/bootstrap.hpp"
#include "fightback/abuse/contact_finder.hpp"
#include "fightback/config/config.hpp"
#include "fightback/dns/public_suffix.hpp"
#include "fightback/dns/resolver.hpp"

namespace fightback::app {

struct ContactFlags {
    std::optional<std::string> rdap_bootstrap;
    std::optional<std::string> whois_server;
    std::vector<std::string> connect_to;
    std::vector<std::string> contact_zones;
    bool no_contact_zones = false;
    std::optional<double> registry_interval;
    std::optional<double> timeout;
    std::optional<std::string> ledger;
    bool no_cache = false;
    bool no_whois = false;
    bool loopback_only = false;

    void add_to(CLI::App& command);
    // Overrides what the config file said; checks every mapping.
    Expected<void> apply(config::ContactsConfig& contacts) const;
};

Expected<abuse::FinderOptions> finder_options(const config::ContactsConfig& contacts);

// The bootstrap: the configured file or directory; else the copy update-bootstrap stored
// ($XDG_DATA_HOME/fightback/rdap/); else the shipped one.
Expected<abuse::Bootstrap> load_bootstrap(const config::ContactsConfig& contacts);

// $XDG_DATA_HOME/fightback/rdap (or ~/.local/share/fightback/rdap).
std::optional<std::filesystem::path> stored_bootstrap_dir();

// Resolver options from [dns], with the --dns-server values (when any) in place of its servers.
Expected<dns::ResolverOptions> contact_dns_options(const config::DnsConfig& dns,
                                                   const std::vector<std::string>& flag_servers);

// The contact search's DNS sources: contact-zone TXT look-ups, and the domain route (abuse@ a
// domain only when the PTR is forward-confirmed and the registrable domain itself takes mail).
// Both keep references: the resolver and the suffix list must outlive them.
abuse::TxtLookup dns_txt_lookup(dns::Resolver& resolver);
abuse::DomainRouteLookup dns_domain_route(dns::Resolver& resolver,
                                          const dns::PublicSuffixList& suffixes);

// Those sources built once, with the resolver and suffix list they refer to (so it stays
// where it was made: held by pointer). Without a resolver or a suffix list both look-ups stay
// empty and `unavailable` says why; a bad server setting is an error.
struct ContactDns {
    std::optional<dns::Resolver> resolver;
    std::optional<dns::PublicSuffixList> suffixes;
    abuse::TxtLookup txt;
    abuse::DomainRouteLookup route;
    std::string unavailable;
};
Expected<std::unique_ptr<ContactDns>> make_contact_dns(const config::DnsConfig& dns,
                                                       const std::vector<std::string>& servers);

} // namespace fightback::app
