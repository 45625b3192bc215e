// [contacts]: where the abuse-contact search asks (RDAP bootstrap, first WHOIS server,
// --connect-to style mappings, DNS contact zones), how politely (the per-registry interval),
// and where answers are cached (the ledger). Every key is optional; unset keys keep the
// defaults of abuse::FinderOptions.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::config {

struct ContactsConfig {
    std::optional<std::filesystem::path> rdap_bootstrap; // a file, or a dir with ipv4/ipv6.json
    std::optional<std::string> whois_server;             // HOST[:PORT]
    std::vector<std::string> connect_to;                 // "HOST:PORT:HOST2:PORT2"
    std::optional<std::vector<std::string>> contact_zones; // [] turns them off
    std::optional<double> registry_interval;             // seconds between requests
    std::optional<double> timeout;                       // seconds per request
    std::optional<int> cache_days;
    std::optional<bool> rwhois;
    std::optional<bool> loopback_only;                   // test worlds: never leave loopback
    std::optional<std::filesystem::path> ledger;
    std::vector<std::string> bootstrap_urls;             // for update-bootstrap
};

// Reads the [contacts] table of a config file's text, if there is one.
Expected<void> read_contacts(std::string_view toml_text, ContactsConfig& contacts);

} // namespace fightback::config
