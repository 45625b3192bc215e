// Reading config.toml with toml++. Unknown keys are left for later stages to claim; a value
// of the wrong type is an error naming the key, so typos do not silently change trust.
#include "fightback/config/config.hpp"

#include <cstdlib>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "fightback/util/file.hpp"

namespace fightback::config {
namespace {

// A setting may be "a b c" or ["a", "b", "c"]; both come back as one space-joined string.
Expected<std::optional<std::string>> string_list(const toml::table& table, std::string_view key)
{
    const toml::node* node = table.get(key);
    if (!node)
        return std::optional<std::string>{};
    if (auto s = node->value<std::string>())
        return std::optional<std::string>{*s};
    if (const auto* array = node->as_array()) {
        std::string joined;
        for (const auto& item : *array) {
            auto s = item.value<std::string>();
            if (!s)
                return fail(ErrorKind::invalid, fmt::format("{}: every item must be a string", key));
            if (!joined.empty())
                joined += ' ';
            joined += *s;
        }
        return std::optional<std::string>{joined};
    }
    return fail(ErrorKind::invalid, fmt::format("{}: expected a string or an array of strings", key));
}

// [dns] servers (a string or an array of "HOST:PORT"), timeout_ms and tries, range-checked.
Expected<void> read_dns(const toml::table& root, DnsConfig& dns)
{
    const toml::node* node = root.get("dns");
    if (!node)
        return {};
    const toml::table* table = node->as_table();
    if (!table)
        return fail(ErrorKind::invalid, "[dns] must be a table");
    auto servers = string_list(*table, "servers");
    if (!servers)
        return fail(ErrorKind::invalid, "dns." + servers.error().message);
    if (*servers) {
        std::string_view rest = **servers;
        while (!rest.empty()) {
            auto start = rest.find_first_not_of(' ');
            if (start == std::string_view::npos)
                break;
            auto end = rest.find(' ', start);
            auto server = dns::ServerAddress::parse(rest.substr(start, end - start));
            if (!server)
                return fail(ErrorKind::invalid,
                            fmt::format("dns.servers: {}", server.error().message));
            dns.servers.push_back(*server);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        }
    }
    struct Bounded {
        const char* key;
        std::int64_t low, high;
    };
    for (Bounded b : {Bounded{"timeout_ms", 1, 60'000}, Bounded{"tries", 1, 10}}) {
        const toml::node* value = table->get(b.key);
        if (!value)
            continue;
        auto number = value->value<std::int64_t>();
        if (!value->is_integer() || !number || *number < b.low || *number > b.high)
            return fail(ErrorKind::invalid, fmt::format("dns.{}: expected an integer from {} to {}",
                                                        b.key, b.low, b.high));
        if (std::string_view(b.key) == "tries")
            dns.tries = static_cast<int>(*number);
        else
            dns.timeout = std::chrono::milliseconds(*number);
    }
    return {};
}

} // namespace

Expected<net::NetworkSet> parse_networks(std::string_view setting, std::string_view list)
{
    auto set = net::NetworkSet::parse(list);
    if (!set)
        return fail(ErrorKind::invalid, fmt::format("{}: {}", setting, set.error().message));
    return set;
}

std::optional<std::filesystem::path> default_path()
{
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "fightback" / "config.toml";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".config" / "fightback" / "config.toml";
    return std::nullopt;
}

Expected<Config> parse(std::string_view toml_text, const std::string& origin_name)
{
    toml::table root;
    try {
        root = toml::parse(toml_text, origin_name);
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        return fail(ErrorKind::parse, fmt::format("{}:{}:{}: {}", origin_name, where.line,
                                                  where.column, e.description()));
    }
    Config config;
    if (const toml::node* trace_node = root.get("trace")) {
        const toml::table* trace = trace_node->as_table();
        if (!trace)
            return fail(ErrorKind::invalid, "[trace] must be a table");
        struct Setting {
            const char* key;
            std::optional<net::NetworkSet>* target;
        };
        for (Setting s : {Setting{"trusted_networks", &config.trust.trusted},
                          Setting{"internal_networks", &config.trust.internal},
                          Setting{"msa_networks", &config.trust.msa}}) {
            auto text = string_list(*trace, s.key);
            if (!text)
                return std::unexpected(text.error());
            if (!*text)
                continue;
            auto set = parse_networks(s.key, **text);
            if (!set)
                return std::unexpected(set.error());
            *s.target = std::move(*set);
        }
        auto routable = string_list(*trace, "assume_routable");
        if (!routable)
            return std::unexpected(routable.error());
        if (*routable) {
            auto set = parse_networks("assume_routable", **routable);
            if (!set)
                return std::unexpected(set.error());
            config.trust.assume_routable = std::move(*set);
        }
        auto headers = string_list(*trace, "originating_ip_headers");
        if (!headers)
            return std::unexpected(headers.error());
        if (*headers) {
            std::string_view rest = **headers;
            while (!rest.empty()) {
                auto start = rest.find_first_not_of(' ');
                if (start == std::string_view::npos)
                    break;
                auto end = rest.find(' ', start);
                config.trust.originating_ip_headers.emplace_back(rest.substr(start, end - start));
                rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
            }
        }
    }
    if (auto dns = read_dns(root, config.dns); !dns)
        return std::unexpected(dns.error());
    if (auto contacts = read_contacts(toml_text, config.contacts); !contacts)
        return std::unexpected(contacts.error());
    if (auto report = read_report(toml_text, config.report, config.send, config.ledger); !report)
        return std::unexpected(report.error());
    if (auto scan = read_scan(toml_text, config.scan, config.folders, config.deliver); !scan)
        return std::unexpected(scan.error());
    return config;
}

Expected<Config> load(const std::optional<std::filesystem::path>& explicit_path)
{
    auto path = explicit_path ? explicit_path : default_path();
    if (!path)
        return Config{};
    std::error_code ec;
    if (!explicit_path && !std::filesystem::exists(*path, ec))
        return Config{};
    auto text = read_file(*path, 1u << 20);
    if (!text)
        return std::unexpected(text.error());
    auto config = parse(*text, path->string());
    if (config)
        config->source = *path;
    return config;
}

} // namespace fightback::config
