// Suppression entries are compared case-insensitively; a domain entry also covers its
// subdomains ("@example.net" suppresses abuse@mail.example.net).
#include "fightback/report/suppression.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::report {
namespace {

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

} // namespace

Expected<Suppression> Suppression::make(const std::vector<std::string>& addresses,
                                        std::string_view networks)
{
    Suppression s;
    for (const auto& raw : addresses) {
        std::string entry = lower(raw);
        while (!entry.empty() && (entry.back() == ' ' || entry.back() == '.'))
            entry.pop_back();
        while (!entry.empty() && entry.front() == ' ')
            entry.erase(entry.begin());
        if (entry.empty())
            continue;
        auto at = entry.find('@');
        if (at == std::string::npos || entry.find('@', at + 1) != std::string::npos ||
            at + 1 == entry.size())
            return fail(ErrorKind::invalid,
                        fmt::format("suppress_addresses: '{}' is not an address or @domain",
                                    printable(raw)));
        if (at == 0)
            s.m_domains.push_back(entry.substr(1));
        else
            s.m_addresses.push_back(entry);
    }
    if (!networks.empty()) {
        auto set = net::NetworkSet::parse(networks);
        if (!set)
            return fail(ErrorKind::invalid,
                        fmt::format("suppress_networks: {}", set.error().message));
        s.m_networks = std::move(*set);
    }
    return s;
}

std::optional<std::string> Suppression::address_reason(std::string_view address) const
{
    const std::string a = lower(address);
    if (std::find(m_addresses.begin(), m_addresses.end(), a) != m_addresses.end())
        return fmt::format("{} is on the suppression list", a);
    auto at = a.rfind('@');
    if (at == std::string::npos)
        return std::nullopt;
    std::string_view domain = std::string_view(a).substr(at + 1);
    for (const auto& d : m_domains) {
        if (domain == d || (domain.size() > d.size() && domain.ends_with(d) &&
                            domain[domain.size() - d.size() - 1] == '.'))
            return fmt::format("the domain {} is on the suppression list", d);
    }
    return std::nullopt;
}

std::optional<std::string> Suppression::network_reason(const net::IpAddress& ip) const
{
    if (!m_networks.empty() && m_networks.contains(ip))
        return fmt::format("{} is in a suppressed network", ip.to_string());
    return std::nullopt;
}

} // namespace fightback::report
