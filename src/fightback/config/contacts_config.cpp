// Reading [contacts] with toml++: wrong types and out-of-range numbers are errors naming the key.
#include "fightback/config/contacts_config.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace fightback::config {
namespace {

Expected<std::optional<std::vector<std::string>>> strings(const toml::table& t, const char* key)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<std::vector<std::string>>{};
    std::vector<std::string> out;
    if (auto s = node->value<std::string>()) {
        out.push_back(*s);
        return std::optional<std::vector<std::string>>{out};
    }
    if (const auto* array = node->as_array()) {
        for (const auto& item : *array) {
            auto s = item.value<std::string>();
            if (!s)
                return fail(ErrorKind::invalid,
                            fmt::format("contacts.{}: every item must be a string", key));
            out.push_back(*s);
        }
        return std::optional<std::vector<std::string>>{out};
    }
    return fail(ErrorKind::invalid,
                fmt::format("contacts.{}: expected a string or an array of strings", key));
}

Expected<std::optional<double>> seconds(const toml::table& t, const char* key, double max)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<double>{};
    auto v = node->value<double>();
    if (!v || *v < 0 || *v > max)
        return fail(ErrorKind::invalid,
                    fmt::format("contacts.{}: expected a number of seconds from 0 to {}", key, max));
    return std::optional<double>{*v};
}

} // namespace

Expected<void> read_contacts(std::string_view toml_text, ContactsConfig& c)
{
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::parse, std::string(e.description()));
    }
    const toml::node* node = root.get("contacts");
    if (!node)
        return {};
    const toml::table* t = node->as_table();
    if (!t)
        return fail(ErrorKind::invalid, "[contacts] must be a table");
    for (const char* key : {"rdap_bootstrap", "whois_server", "ledger"}) {
        const toml::node* n = t->get(key);
        if (!n)
            continue;
        auto s = n->value<std::string>();
        if (!s || s->empty())
            return fail(ErrorKind::invalid, fmt::format("contacts.{}: expected a string", key));
        if (std::string_view(key) == "rdap_bootstrap")
            c.rdap_bootstrap = *s;
        else if (std::string_view(key) == "ledger")
            c.ledger = *s;
        else
            c.whois_server = *s;
    }
    auto connect_to = strings(*t, "connect_to");
    if (!connect_to)
        return std::unexpected(connect_to.error());
    if (*connect_to)
        c.connect_to = **connect_to;
    auto zones = strings(*t, "contact_zones");
    if (!zones)
        return std::unexpected(zones.error());
    c.contact_zones = *zones;
    auto urls = strings(*t, "bootstrap_urls");
    if (!urls)
        return std::unexpected(urls.error());
    if (*urls)
        c.bootstrap_urls = **urls;
    auto interval = seconds(*t, "registry_interval", 3600);
    if (!interval)
        return std::unexpected(interval.error());
    c.registry_interval = *interval;
    auto timeout = seconds(*t, "timeout", 600);
    if (!timeout)
        return std::unexpected(timeout.error());
    c.timeout = *timeout;
    if (const toml::node* n = t->get("cache_days")) {
        auto v = n->value<int64_t>();
        if (!v || *v < 0 || *v > 365)
            return fail(ErrorKind::invalid, "contacts.cache_days: expected an integer from 0 to 365");
        c.cache_days = static_cast<int>(*v);
    }
    for (const char* key : {"rwhois", "loopback_only"}) {
        const toml::node* n = t->get(key);
        if (!n)
            continue;
        auto b = n->value<bool>();
        if (!b)
            return fail(ErrorKind::invalid, fmt::format("contacts.{}: expected true or false", key));
        (std::string_view(key) == "rwhois" ? c.rwhois : c.loopback_only) = *b;
    }
    return {};
}

} // namespace fightback::config
