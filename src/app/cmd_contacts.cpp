// `fightback contacts IP... [--json]` and `fightback contacts --message FILE`: who to complain to
// about an address, ranked, with where each candidate came from. Registries (cache, RDAP,
// WHOIS), DNS contact zones and the domain route; see docs/contacts-json.md.
#include <cstdio>

#include <fmt/format.h>

#include "common.hpp"
#include "contacts_setup.hpp"
#include "ledger_option.hpp"
#include "report_setup.hpp"
#include "fightback/abuse/contacts_json.hpp"
#include "fightback/dns/mail_domain.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

struct ContactsArgs {
    std::vector<std::string> ips;
    std::optional<std::string> message;
    bool json = false;
    bool no_dns = false;
    std::vector<std::string> dns_servers;
    ContactFlags contacts;
    TrustFlags trust;
};

// The address a message came from, by its trace.
Expected<net::IpAddress> message_origin(const std::string& name, const config::Config& config)
{
    Input input{name, name == "-" ? std::filesystem::path{} : std::filesystem::path(name),
                name == "-"};
    mail::LoadLimits limits;
    limits.headers_only = true;
    auto msg = load_input(input, limits);
    if (!msg)
        return fail(msg.error().kind, fmt::format("{}: {}", name, msg.error().message));
    auto t = trace::trace_message(*msg, trace::TraceOptions{config.trust, std::nullopt});
    auto ip = t.origin_ip();
    if (!ip)
        return fail(ErrorKind::not_found, fmt::format("{}: the trace names no origin", name));
    if (!t.origin_routable)
        return fail(ErrorKind::not_found,
                    fmt::format("{}: the origin {} is not a routable address", name,
                                ip->to_string()));
    return *ip;
}

void print_text(const abuse::ContactResult& r)
{
    std::string where;
    if (!r.registry.empty())
        where = fmt::format(" ({}{}{})", r.registry, r.range ? ", " + r.range->to_string() : "",
                            r.cached ? ", cached" : "");
    std::printf("%s%s\n", r.ip.to_string().c_str(), printable(where).c_str());
    if (r.decision.automatic) {
        std::printf("  To: %s\n", printable(r.decision.to.front()).c_str());
        for (const auto& cc : r.decision.cc)
            std::printf("  CC: %s\n", printable(cc).c_str());
    } else {
        std::printf("  %s\n", printable(r.decision.why).c_str());
    }
    for (const auto& c : r.decision.candidates)
        std::printf("  %3d %s [%s] %s\n", c.score, printable(c.address).c_str(),
                    c.source.c_str(), printable(c.reason).c_str());
    for (const auto& n : r.notes)
        std::printf("  note: %s\n", printable(n).c_str());
    for (const auto& e : r.errors)
        std::printf("  error: %s\n", printable(e).c_str());
}

int run_contacts(const GlobalOptions& global, const ContactsArgs& args)
{
    auto config = load_config(global);
    if (!config) {
        print_error(config.error().message);
        return exit_error;
    }
    if (auto r = args.trust.apply(config->trust); !r) {
        print_error(r.error().message);
        return exit_error;
    }
    if (auto r = args.contacts.apply(config->contacts); !r) {
        print_error(r.error().message);
        return exit_error;
    }
    if (args.ips.empty() == !args.message) {
        print_error("give IP addresses or --message FILE (one of the two)");
        return exit_error;
    }
    std::vector<net::IpAddress> ips;
    for (const auto& text : args.ips) {
        auto ip = net::IpAddress::parse_lenient(text);
        if (!ip) {
            print_error(fmt::format("not an IP address: {}", text));
            return exit_error;
        }
        ips.push_back(*ip);
    }
    if (args.message) {
        auto ip = message_origin(*args.message, *config);
        if (!ip) {
            print_error(ip.error().message);
            return ip.error().kind == ErrorKind::not_found ? exit_not_found : exit_error;
        }
        ips.push_back(*ip);
    }
    auto options = finder_options(config->contacts);
    if (!options) {
        print_error(options.error().message);
        return exit_error;
    }
    auto bootstrap = load_bootstrap(config->contacts);
    if (!bootstrap) {
        print_error(bootstrap.error().message);
        return exit_error;
    }
    std::optional<ledger::Ledger> ledger;
    std::optional<abuse::ContactCache> cache;
    if (!args.contacts.no_cache) {
        auto path = ledger_path(*config);
        if (path) {
            auto opened = open_ledger(*path, LedgerAccess::write); // the cache is written
            if (!opened) {
                print_error(opened.error().message);
                return opened.error().kind == ErrorKind::temporary ? exit_tempfail : exit_error;
            }
            ledger.emplace(std::move(*opened));
            cache.emplace(*ledger);
        }
    }

    // DNS: contact zones (TXT) and the domain route, through the project's resolver.
    std::unique_ptr<ContactDns> dns_sources;
    if (!args.no_dns) {
        auto made = make_contact_dns(config->dns, args.dns_servers);
        if (!made) {
            print_error(made.error().message);
            return exit_error;
        }
        dns_sources = std::move(*made);
        if (!dns_sources->unavailable.empty())
            print_error(fmt::format("DNS sources off: {}", dns_sources->unavailable));
    }

    abuse::ContactFinder finder(std::move(*options), std::move(*bootstrap),
                                cache ? &*cache : nullptr,
                                dns_sources ? dns_sources->txt : abuse::TxtLookup{},
                                dns_sources ? dns_sources->route : abuse::DomainRouteLookup{});
    auto results = finder.find(ips);
    bool all_automatic = true;
    for (const auto& r : results) {
        all_automatic = all_automatic && r.decision.automatic;
        if (args.json) {
            auto j = abuse::to_json(r);
            if (args.message)
                j["file"] = *args.message;
            std::printf("%s\n",
                        j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            print_text(r);
        }
    }
    std::fflush(stdout);
    return all_automatic ? exit_ok : exit_not_found;
}

} // namespace

void add_contacts_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<ContactsArgs>();
    auto* cmd = app.add_subcommand(
        "contacts", "ranked abuse contacts for IP addresses, with where each one came from");
    cmd->add_option("ip", args->ips, "IP addresses");
    cmd->add_option("--message", args->message,
                    "a message file (or -): look up the origin its trace names");
    cmd->add_flag("--json", args->json, "one JSON object per address (docs/contacts-json.md)");
    cmd->add_option("--dns-server", args->dns_servers,
                    "DNS server HOST[:PORT] for contact zones and the domain route (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--no-dns", args->no_dns, "skip the DNS contact zones and the domain route");
    args->contacts.add_to(*cmd);
    args->trust.add_to(*cmd);
    cmd->callback([&global, &exit_code, args] { exit_code = run_contacts(global, *args); });
}

} // namespace fightback::app
