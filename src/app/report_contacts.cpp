// One contact search for one address, with the DNS sources built on the project's resolver.
#include "report_contacts.hpp"

#include <fmt/format.h>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/dns/mail_domain.hpp"
#include "fightback/dns/public_suffix.hpp"
#include "fightback/dns/resolver.hpp"

namespace fightback::app {

void RecipientFlags::add_to(CLI::App& command)
{
    command.add_option("--to", to,
                       "send to this address instead of the contacts found (repeatable; the "
                       "first is To, the others CC)")
        ->allow_extra_args(false);
    command.add_option("--cc", cc, "a further address in CC (with --to; repeatable)")
        ->allow_extra_args(false);
    command.add_option("--dns-server", dns_servers,
                       "DNS server HOST[:PORT] for contact zones and the domain route (repeatable)")
        ->allow_extra_args(false);
    command.add_flag("--no-dns", no_dns, "skip the DNS contact zones and the domain route");
    contacts.add_to(command);
}

Expected<std::optional<abuse::Decision>> given_recipients(const RecipientFlags& flags)
{
    if (flags.to.empty()) {
        if (!flags.cc.empty())
            return fail(ErrorKind::invalid, "--cc needs --to");
        return std::optional<abuse::Decision>{};
    }
    abuse::Decision d;
    std::vector<std::string> all = flags.to;
    all.insert(all.end(), flags.cc.begin(), flags.cc.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto a = abuse::normalize_mailbox(all[i]);
        if (!a)
            return fail(ErrorKind::invalid, fmt::format("--to/--cc: {}", a.error().message));
        (i == 0 ? d.to : d.cc).push_back(*a);
    }
    d.automatic = true;
    d.why = "recipients given on the command line";
    return std::optional<abuse::Decision>{std::move(d)};
}

Expected<abuse::ContactResult> search_recipients(const config::Config& config,
                                            const RecipientFlags& flags, const net::IpAddress& ip,
                                            const ledger::Ledger* ledger)
{
    auto options = finder_options(config.contacts);
    if (!options)
        return std::unexpected(options.error());
    if (flags.contacts.no_whois)
        options->use_whois = false;
    auto bootstrap = load_bootstrap(config.contacts);
    if (!bootstrap)
        return std::unexpected(bootstrap.error());
    std::optional<abuse::ContactCache> cache;
    if (ledger && !flags.contacts.no_cache)
        cache.emplace(*ledger);

    std::optional<dns::Resolver> resolver;
    std::optional<dns::PublicSuffixList> suffixes;
    abuse::TxtLookup txt;
    abuse::DomainRouteLookup route;
    if (!flags.no_dns) {
        auto dns_options = contact_dns_options(config.dns, flags.dns_servers);
        if (!dns_options)
            return std::unexpected(dns_options.error());
        auto created = dns::Resolver::create(*dns_options);
        auto psl = dns::PublicSuffixList::load_default();
        if (created && psl) {
            resolver.emplace(std::move(*created));
            suffixes.emplace(std::move(*psl));
            txt = dns_txt_lookup(*resolver);
            route = dns_domain_route(*resolver, *suffixes);
        }
    }
    abuse::ContactFinder finder(std::move(*options), std::move(*bootstrap),
                                cache ? &*cache : nullptr, txt, route);
    auto results = finder.find({ip});
    if (results.empty())
        return fail(ErrorKind::not_found, "the contact search gave no answer");
    auto& r = results.front();
    if (!r.decision.automatic && r.retry_later)
        return fail(ErrorKind::temporary,
                    fmt::format("no automatic contact for {}: {}", ip.to_string(),
                                r.errors.front()));
    return std::move(r);
}

} // namespace fightback::app
