// The IANA RDAP bootstrap (RFC 9224): which registry's RDAP service answers for which address
// block. A copy ships in the binary (data/rdap/); a file or directory given in the settings,
// or the fresher copy `fightback update-bootstrap` stored, replaces it. Lookups take the
// longest matching prefix.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/network_set.hpp"
#include "fightback/util/error.hpp"

namespace fightback::abuse {

// The bootstrap files compiled in (generated from data/rdap/ipv4.json and ipv6.json).
std::string_view shipped_bootstrap_v4();
std::string_view shipped_bootstrap_v6();

class Bootstrap {
public:
    // The shipped files.
    static Bootstrap shipped();
    // One bootstrap file, or a directory holding ipv4.json and/or ipv6.json.
    static Expected<Bootstrap> load(const std::filesystem::path& file_or_dir);

    // Adds the services of one RFC 9224 file; `origin` names it in errors.
    Expected<void> add(std::string_view json_text, std::string_view origin);

    // The base URL (ending in '/') of the service for `ip`: the longest matching prefix,
    // an https URL preferred over plain http. Nothing when no registry serves it.
    std::optional<std::string> base_url(const net::IpAddress& ip) const;

    std::size_t size() const { return m_entries.size(); }

private:
    struct Entry {
        net::Cidr prefix;
        std::string url;
    };
    std::vector<Entry> m_entries;
};

// Checks that `json_text` is an RFC 9224 IP bootstrap file (for update-bootstrap).
Expected<void> validate_bootstrap(std::string_view json_text, std::string_view origin);

} // namespace fightback::abuse
