// The recipients of a report: the contact search for the origin address (registries through
// the ledger's cache, DNS contact zones and the domain route through the project's resolver),
// or the addresses given on the command line (--to/--cc), which bypass the search and its
// confidence gate because a person chose them.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "contacts_setup.hpp"
#include "fightback/abuse/contact_finder.hpp"
#include "fightback/abuse/ranking.hpp"
#include "fightback/config/config.hpp"
#include "fightback/ledger/ledger.hpp"

namespace fightback::app {

struct RecipientFlags {
    std::vector<std::string> to;
    std::vector<std::string> cc;
    std::vector<std::string> dns_servers;
    bool no_dns = false;
    ContactFlags contacts;

    void add_to(CLI::App& command);
};

// --to/--cc as a decision (validated), or nothing when none were given.
Expected<std::optional<abuse::Decision>> given_recipients(const RecipientFlags& flags);

// The contact search, set up once (bootstrap, DNS sources, the finder with its per-registry
// rate limit) and asked per source address; searches from several threads take turns, so the
// rate limit holds across them. `ledger` holds the cache (may be null) and must outlive it.
class RecipientSearch {
public:
    static Expected<std::unique_ptr<RecipientSearch>> create(const config::Config& config,
                                                             const RecipientFlags& flags,
                                                             const ledger::Ledger* ledger);

    // No automatic contact while a registry could not be asked is temporary (try later);
    // none after a definite answer is a result (decision.automatic false).
    Expected<abuse::ContactResult> search(const net::IpAddress& ip);

private:
    RecipientSearch() = default;

    std::optional<abuse::ContactCache> m_cache;
    std::unique_ptr<ContactDns> m_dns;
    std::optional<abuse::ContactFinder> m_finder;
    std::mutex m_mutex;
};

} // namespace fightback::app
