// `fightback update-bootstrap`: fetch IANA's current RDAP bootstrap files (ipv4.json,
// ipv6.json) and store them where `contacts` prefers them to the shipped copy. Each file is
// checked before it replaces the old one, and replaced atomically.
#include <cstdio>

#include <fmt/format.h>

#include "common.hpp"
#include "contacts_setup.hpp"
#include "fightback/abuse/http_client.hpp"
#include "fightback/util/private_files.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

constexpr const char* default_urls[] = {"https://data.iana.org/rdap/ipv4.json",
                                        "https://data.iana.org/rdap/ipv6.json"};

struct UpdateArgs {
    std::vector<std::string> urls;
    std::optional<std::string> output;
    std::vector<std::string> connect_to;
    bool loopback_only = false;
};

int run_update(const GlobalOptions& global, const UpdateArgs& args)
{
    auto config = load_config(global);
    if (!config) {
        print_error(config.error().message);
        return exit_error;
    }
    std::vector<std::string> urls = args.urls;
    if (urls.empty())
        urls = config->contacts.bootstrap_urls;
    if (urls.empty())
        urls.assign(std::begin(default_urls), std::end(default_urls));
    std::optional<std::filesystem::path> dir;
    if (args.output)
        dir = *args.output;
    else
        dir = stored_bootstrap_dir();
    if (!dir) {
        print_error("no place to store the bootstrap: set XDG_DATA_HOME or HOME, or --output");
        return exit_error;
    }
    abuse::HttpOptions http;
    http.accept = "application/json";
    http.connect_to = args.connect_to.empty() ? config->contacts.connect_to : args.connect_to;
    http.loopback_only = args.loopback_only || config->contacts.loopback_only.value_or(false);
    for (const auto& m : http.connect_to)
        if (auto r = abuse::check_connect_to(m); !r) {
            print_error(r.error().message);
            return exit_error;
        }
    // Under fightback's data directory: private, as everything fightback keeps there.
    if (auto made = make_private_folders(*dir); !made) {
        print_error(made.error().message);
        return exit_error;
    }
    std::error_code ec;
    int failures = 0;
    for (const auto& url : urls) {
        auto name = url.substr(url.rfind('/') + 1);
        if (name != "ipv4.json" && name != "ipv6.json") {
            print_error(fmt::format("{}: only ipv4.json and ipv6.json are used", url));
            ++failures;
            continue;
        }
        auto response = abuse::http_get(url, http);
        if (!response || response->status != 200) {
            print_error(fmt::format("{}: {}", url,
                                    response ? fmt::format("HTTP {}", response->status)
                                             : response.error().message));
            ++failures;
            continue;
        }
        if (auto valid = abuse::validate_bootstrap(response->body, url); !valid) {
            print_error(valid.error().message);
            ++failures;
            continue;
        }
        const auto target = *dir / name;
        const auto temp = *dir / (name + ".new");
        if (auto written = write_private_file(temp, response->body); !written) {
            print_error(written.error().message);
            ++failures;
            continue;
        }
        std::filesystem::rename(temp, target, ec);
        if (ec) {
            print_error(fmt::format("cannot replace {}: {}", target.string(), ec.message()));
            ++failures;
            continue;
        }
        std::printf("%s -> %s\n", printable(url).c_str(), printable(target.string()).c_str());
    }
    return failures == 0 ? exit_ok : exit_error;
}

} // namespace

void add_update_bootstrap_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<UpdateArgs>();
    auto* cmd = app.add_subcommand(
        "update-bootstrap", "fetch IANA's current RDAP bootstrap files (needs the network)");
    cmd->add_option("--url", args->urls, "a bootstrap URL (repeatable; default IANA's)")
        ->allow_extra_args(false);
    cmd->add_option("--output", args->output,
                    "directory to store them in (default $XDG_DATA_HOME/fightback/rdap)");
    cmd->add_option("--connect-to", args->connect_to, "HOST:PORT:HOST2:PORT2 (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--loopback-only", args->loopback_only,
                  "never connect anywhere but loopback (test worlds)");
    cmd->callback([&global, &exit_code, args] { exit_code = run_update(global, *args); });
}

} // namespace fightback::app
