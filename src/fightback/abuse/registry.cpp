// Registry facts: a constexpr table, looked up by host name, mail domain or holder name.
#include "fightback/abuse/registry.hpp"

#include <array>
#include <cctype>

#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

struct RegistryFacts {
    RegistryId id;
    std::string_view name;
    std::string_view domains[3];      // hosts under these and mail at these are the registry's
    std::string_view holder_names[3]; // how the registry names itself as a resource holder
};

constexpr std::array<RegistryFacts, 6> registries{{
    {RegistryId::arin, "ARIN", {"arin.net"}, {"American Registry for Internet Numbers", "ARIN"}},
    {RegistryId::ripe, "RIPE NCC", {"ripe.net"}, {"RIPE Network Coordination Centre", "RIPE NCC"}},
    {RegistryId::apnic, "APNIC", {"apnic.net"},
     {"Asia Pacific Network Information Centre", "Asia Pacific Network Information Center",
      "APNIC"}},
    {RegistryId::lacnic, "LACNIC", {"lacnic.net"},
     {"Latin American and Caribbean IP address", "LACNIC"}},
    {RegistryId::afrinic, "AFRINIC", {"afrinic.net"},
     {"African Network Information Centre", "African Network Information Center", "AFRINIC"}},
    {RegistryId::iana, "IANA", {"iana.org", "icann.org"},
     {"Internet Assigned Numbers Authority", "IANA"}},
}};

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool in_domain(std::string_view host, std::string_view domain)
{
    if (host.size() == domain.size())
        return iequals(host, domain);
    return host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
           iequals(host.substr(host.size() - domain.size()), domain);
}

bool starts_with_word(std::string_view text, std::string_view word)
{
    if (text.size() < word.size() || !iequals(text.substr(0, word.size()), word))
        return false;
    return text.size() == word.size() ||
           !std::isalnum(static_cast<unsigned char>(text[word.size()]));
}

} // namespace

RegistryId registry_for_host(std::string_view host)
{
    while (!host.empty() && host.back() == '.')
        host.remove_suffix(1);
    for (const auto& r : registries)
        for (auto d : r.domains)
            if (!d.empty() && in_domain(host, d))
                return r.id;
    return RegistryId::unknown;
}

RegistryId registry_for_mail_domain(std::string_view domain)
{
    return registry_for_host(domain);
}

RegistryId registry_named(std::string_view holder_name)
{
    while (!holder_name.empty() && holder_name.front() == ' ')
        holder_name.remove_prefix(1);
    for (const auto& r : registries)
        for (auto n : r.holder_names)
            if (!n.empty() && starts_with_word(holder_name, n))
                return r.id;
    return RegistryId::unknown;
}

std::string_view registry_name(RegistryId id)
{
    for (const auto& r : registries)
        if (r.id == id)
            return r.name;
    return "";
}

std::string rate_limit_key(std::string_view host)
{
    auto id = registry_for_host(host);
    if (id != RegistryId::unknown)
        return std::string(registry_name(id));
    return lower(host);
}

std::string url_host(std::string_view url)
{
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return {};
    auto rest = url.substr(scheme + 3);
    auto end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, end);
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        return close == std::string_view::npos ? std::string{}
                                                : lower(authority.substr(1, close - 1));
    }
    return lower(authority.substr(0, authority.find(':')));
}

} // namespace fightback::abuse
