// Shared plumbing for the subcommands.
#include "common.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {

void TrustFlags::add_to(CLI::App& command)
{
    command.add_option("--trusted-networks", trusted,
                       "networks whose Received lines are believed (SpamAssassin syntax, "
                       "space-separated: '10/8 192.0.2.0/24 !192.0.2.7')");
    command.add_option("--internal-networks", internal,
                       "networks of our own MX and relays (SpamAssassin syntax)");
    command.add_option("--msa-networks", msa,
                       "submission servers: hops older than theirs inherit their trust");
    command.add_option("--originating-ip-headers", originating_ip_headers,
                       "headers (e.g. 'X-Originating-IP') that add a synthetic oldest hop");
    command.add_option("--assume-routable", assume_routable,
                       "reserved networks to treat as Internet addresses (a test world's "
                       "documentation ranges)");
}

Expected<void> TrustFlags::apply(trace::TrustConfig& trust) const
{
    struct Flag {
        const char* name;
        const std::optional<std::string>& value;
        std::optional<net::NetworkSet>& target;
    };
    for (const Flag& f : {Flag{"--trusted-networks", trusted, trust.trusted},
                          Flag{"--internal-networks", internal, trust.internal},
                          Flag{"--msa-networks", msa, trust.msa}}) {
        if (!f.value)
            continue;
        auto set = config::parse_networks(f.name, *f.value);
        if (!set)
            return std::unexpected(set.error());
        f.target = std::move(*set);
    }
    if (assume_routable) {
        auto set = config::parse_networks("--assume-routable", *assume_routable);
        if (!set)
            return std::unexpected(set.error());
        trust.assume_routable = std::move(*set);
    }
    if (originating_ip_headers) {
        trust.originating_ip_headers.clear();
        std::string_view rest = *originating_ip_headers;
        while (!rest.empty()) {
            auto start = rest.find_first_not_of(" ,");
            if (start == std::string_view::npos)
                break;
            auto end = rest.find_first_of(" ,", start);
            trust.originating_ip_headers.emplace_back(rest.substr(start, end - start));
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        }
    }
    return {};
}

Expected<config::Config> load_config(const GlobalOptions& global)
{
    return config::load(global.config_path);
}

Expected<std::vector<Input>> expand_inputs(const std::vector<std::string>& args)
{
    std::vector<Input> out;
    if (args.empty())
        return std::vector<Input>{Input{"-", {}, true}};
    for (const auto& arg : args) {
        if (arg == "-") {
            out.push_back({"-", {}, true});
            continue;
        }
        std::filesystem::path path(arg);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            auto files = mail::list_maildir(path);
            if (!files)
                return std::unexpected(files.error());
            for (auto& f : *files)
                out.push_back({f.string(), f, false});
            continue;
        }
        out.push_back({arg, path, false});
    }
    return out;
}

Expected<mail::Message> load_input(const Input& input, const mail::LoadLimits& limits)
{
    if (input.is_stdin)
        return mail::Message::load_stdin(limits);
    return mail::Message::load_file(input.path, limits);
}

void print_error(const std::string& what)
{
    std::fprintf(stderr, "fightback: %s\n", printable(what).c_str());
}

} // namespace fightback::app
