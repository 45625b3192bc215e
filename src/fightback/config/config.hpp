// The user's settings: one TOML file ($XDG_CONFIG_HOME/fightback/config.toml or --config),
// read into plain structs. Flags override what the file says; the app applies them.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fightback/config/contacts_config.hpp"
#include "fightback/config/report_config.hpp"
#include "fightback/config/scan_config.hpp"
#include "fightback/dns/server_address.hpp"
#include "fightback/trace/trust.hpp"
#include "fightback/util/error.hpp"

namespace fightback::config {

// [dns]: where look-ups go. Empty servers mean the system's resolver configuration.
struct DnsConfig {
    std::vector<dns::ServerAddress> servers;        // servers = ["127.0.0.1:5353", "[::1]"]
    std::optional<std::chrono::milliseconds> timeout; // timeout_ms = 2000 (first try)
    std::optional<int> tries;                        // tries = 2
};

struct Config {
    trace::TrustConfig trust;
    DnsConfig dns;
    ContactsConfig contacts;
    ReportConfig report;
    SendConfig send;
    LedgerConfig ledger;
    ScanConfig scan;
    FoldersConfig folders;
    DeliverConfig deliver;
    std::optional<std::filesystem::path> source; // the file it came from, if any
};

// The default location: $XDG_CONFIG_HOME/fightback/config.toml, else ~/.config/...
std::optional<std::filesystem::path> default_path();

// Reads `path`; a missing default file is not an error (an explicit one is).
Expected<Config> load(const std::optional<std::filesystem::path>& explicit_path);
Expected<Config> parse(std::string_view toml_text, const std::string& origin_name);

// SpamAssassin-style list given as a string ("10/8 !10.1.2.3") or an array of strings.
Expected<net::NetworkSet> parse_networks(std::string_view setting, std::string_view list);

} // namespace fightback::config
