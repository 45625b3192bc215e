// `fightback find-sender-domain` (also installed as `find-sender-domain`): the 2003 contract
// for cron scripts. One message in, the domain to complain to on stdout; exit 1 with the reason
// on stderr when there is none, 2 on usage or I/O errors. The address is the trace's origin, not
// blindly the oldest Received line; the domain comes from forward-confirmed reverse DNS and an
// MX walk that stops at the registrable domain.
#include <cstdio>

#include <fmt/format.h>

#include "common.hpp"
#include "fightback/dns/mail_domain.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

struct FindSenderDomainArgs {
    std::optional<std::string> input;
    std::optional<std::string> ip;
    bool explain = false;
    std::vector<std::string> dns_servers;
    std::optional<int> dns_timeout_ms;
    std::optional<int> dns_tries;
    TrustFlags trust;
};

void explain_line(bool on, const std::string& line)
{
    if (on)
        std::fprintf(stderr, "%s\n", printable(line).c_str());
}

std::string no_origin_reason(const trace::Trace& t)
{
    if (t.hops.empty())
        return "the message has no Received lines";
    if (t.walk.origin)
        return fmt::format("the origin hop ({}) has no readable IP address", *t.walk.origin);
    return "no Received line names an untrusted sender: every hop is trusted or unreadable";
}

// The address to look up: --ip, or the origin of the message's trace. Exit code on failure.
std::expected<net::IpAddress, int> find_address(const FindSenderDomainArgs& args,
                                                const config::Config& config)
{
    if (args.ip) {
        auto ip = net::IpAddress::parse_lenient(*args.ip);
        if (!ip) {
            print_error(fmt::format("--ip: not an IP address: {}", *args.ip));
            return std::unexpected(exit_error);
        }
        explain_line(args.explain, fmt::format("address: {} (from --ip)", ip->to_string()));
        return *ip;
    }
    const std::string name = args.input.value_or("-");
    Input input{name, name == "-" ? std::filesystem::path{} : std::filesystem::path(name),
                name == "-"};
    mail::LoadLimits limits;
    limits.headers_only = true;
    auto msg = load_input(input, limits);
    if (!msg) {
        print_error(fmt::format("{}: {}", name, msg.error().message));
        return std::unexpected(exit_error);
    }
    auto t = trace::trace_message(*msg, trace::TraceOptions{config.trust, std::nullopt});
    auto ip = t.origin_ip();
    if (!ip) {
        print_error(fmt::format("{}: no origin address: {}", name, no_origin_reason(t)));
        return std::unexpected(exit_not_found);
    }
    explain_line(args.explain,
                 fmt::format("address: {} (the trace's origin, hop {}{})", ip->to_string(),
                             *t.walk.origin, t.origin_routable ? "" : "; not globally routable"));
    return *ip;
}

int run_find_sender_domain(const GlobalOptions& global, const FindSenderDomainArgs& args)
{
    auto config = load_config(global);
    if (!config) {
        print_error(config.error().message);
        return exit_error;
    }
    if (auto applied = args.trust.apply(config->trust); !applied) {
        print_error(applied.error().message);
        return exit_error;
    }
    if (args.ip && args.input) {
        print_error("give a message or --ip, not both");
        return exit_error;
    }

    dns::ResolverOptions options;
    options.servers = config->dns.servers;
    if (!args.dns_servers.empty()) {
        options.servers.clear();
        for (const auto& text : args.dns_servers) {
            auto server = dns::ServerAddress::parse(text);
            if (!server) {
                print_error(fmt::format("--dns-server: {}", server.error().message));
                return exit_error;
            }
            options.servers.push_back(*server);
        }
    }
    if (auto t = args.dns_timeout_ms ? std::optional(std::chrono::milliseconds(*args.dns_timeout_ms))
                                     : config->dns.timeout)
        options.timeout = *t;
    if (auto n = args.dns_tries ? args.dns_tries : config->dns.tries)
        options.tries = *n;
    // One message needs a handful of look-ups: no point keeping many sockets busy.
    options.max_in_flight = 32;

    auto address = find_address(args, *config);
    if (!address)
        return address.error();

    auto resolver = dns::Resolver::create(options);
    if (!resolver) {
        print_error(resolver.error().message);
        return exit_error;
    }
    auto suffixes = dns::PublicSuffixList::load_default();
    if (!suffixes) {
        print_error(suffixes.error().message);
        return exit_error;
    }
    if (args.explain) {
        std::string servers;
        for (const auto& s : resolver->servers())
            servers += (servers.empty() ? "" : ", ") + s.to_string();
        explain_line(true, fmt::format("DNS servers: {}{}", servers.empty() ? "none" : servers,
                                       options.servers.empty() ? " (the system's)" : ""));
        explain_line(true, fmt::format("public suffix list: {}", suffixes->source()));
    }

    auto found = dns::find_sender_domain(*resolver, *suffixes, *address);
    for (const auto& lookup : found.lookups)
        explain_line(args.explain, "lookup: " + dns::describe(lookup.query, lookup.result));
    if (found.host_name)
        explain_line(args.explain, fmt::format("forward-confirmed name: {}", *found.host_name));
    if (found.registrable)
        explain_line(args.explain, fmt::format("registrable domain: {}", *found.registrable));
    if (!found.domain) {
        print_error(fmt::format("no sender domain for {}: {}{}", address->to_string(),
                                found.reason,
                                found.temporary ? " (a DNS failure: try again later)" : ""));
        return exit_not_found;
    }
    explain_line(args.explain, fmt::format("domain: {} ({})", *found.domain, found.reason));
    std::printf("%s\n", found.domain->c_str());
    std::fflush(stdout);
    return exit_ok;
}

} // namespace

void add_find_sender_domain_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<FindSenderDomainArgs>();
    auto* cmd = app.add_subcommand(
        "find-sender-domain",
        "print the domain to complain to for a message's origin (exit 1 when none)");
    cmd->add_option("input", args->input, "message file, or - (default: stdin)");
    cmd->add_option("--ip", args->ip, "look up this address instead of tracing a message");
    cmd->add_flag("--explain", args->explain, "print each look-up and its answer on stderr");
    cmd->add_option("--dns-server", args->dns_servers,
                    "DNS server as HOST:PORT, repeatable (default: [dns] servers, else the "
                    "system's)")
        ->allow_extra_args(false); // one server per --dns-server; a message file may follow
    cmd->add_option("--dns-timeout-ms", args->dns_timeout_ms, "wait for a first DNS try")
        ->check(CLI::Range(1, 60000));
    cmd->add_option("--dns-tries", args->dns_tries, "DNS tries per query")->check(CLI::Range(1, 10));
    args->trust.add_to(*cmd);
    // Installed as `find-sender-domain`, the global --config comes after the command name.
    cmd->fallthrough();
    cmd->callback([&global, &exit_code, args] { exit_code = run_find_sender_domain(global, *args); });
}

} // namespace fightback::app
