// The recipients of a report: the contact search (set up once, asked per source address) or --to/--cc.
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

Expected<std::unique_ptr<RecipientSearch>> RecipientSearch::create(const config::Config& config,
                                                                   const RecipientFlags& flags,
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
    std::unique_ptr<RecipientSearch> self(new RecipientSearch());
    if (ledger && !flags.contacts.no_cache)
        self->m_cache.emplace(*ledger);
    if (!flags.no_dns) {
        auto made = make_contact_dns(config.dns, flags.dns_servers);
        if (!made)
            return std::unexpected(made.error());
        self->m_dns = std::move(*made);
    }
    self->m_finder.emplace(std::move(*options), std::move(*bootstrap),
                           self->m_cache ? &*self->m_cache : nullptr,
                           self->m_dns ? self->m_dns->txt : abuse::TxtLookup{},
                           self->m_dns ? self->m_dns->route : abuse::DomainRouteLookup{});
    return self;
}

Expected<abuse::ContactResult> RecipientSearch::search(const net::IpAddress& ip)
{
    std::lock_guard lock(m_mutex);
    auto results = m_finder->find({ip});
    if (results.empty())
        return fail(ErrorKind::not_found, "the contact search gave no answer");
    auto& r = results.front();
    if (!r.decision.automatic && r.retry_later)
        return fail(ErrorKind::temporary,
                    fmt::format("no automatic contact for {}: {}", ip.to_string(),
                                r.errors.empty() ? std::string("try later") : r.errors.front()));
    return std::move(r);
}

} // namespace fightback::app
