// Reading RFC 9224 bootstrap files and choosing the service for an address.
#include "fightback/abuse/bootstrap.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fightback/util/file.hpp"

namespace fightback::abuse {
namespace {

constexpr std::size_t max_bootstrap_bytes = 4u << 20;

bool is_https(std::string_view url) { return url.starts_with("https://"); }
bool is_http(std::string_view url) { return url.starts_with("http://") || is_https(url); }

} // namespace

Bootstrap Bootstrap::shipped()
{
    Bootstrap b;
    // The shipped files are checked by the tests; a failure here is a build defect.
    if (auto r = b.add(shipped_bootstrap_v4(), "shipped ipv4.json"); !r)
        throw std::runtime_error(r.error().message);
    if (auto r = b.add(shipped_bootstrap_v6(), "shipped ipv6.json"); !r)
        throw std::runtime_error(r.error().message);
    return b;
}

Expected<Bootstrap> Bootstrap::load(const std::filesystem::path& file_or_dir)
{
    Bootstrap b;
    std::error_code ec;
    if (std::filesystem::is_directory(file_or_dir, ec)) {
        int found = 0;
        for (const char* name : {"ipv4.json", "ipv6.json"}) {
            auto path = file_or_dir / name;
            if (!std::filesystem::exists(path, ec))
                continue;
            auto text = read_file(path, max_bootstrap_bytes);
            if (!text)
                return std::unexpected(text.error());
            if (auto r = b.add(*text, path.string()); !r)
                return std::unexpected(r.error());
            ++found;
        }
        if (found == 0)
            return fail(ErrorKind::not_found,
                        fmt::format("{} holds neither ipv4.json nor ipv6.json",
                                    file_or_dir.string()));
        return b;
    }
    auto text = read_file(file_or_dir, max_bootstrap_bytes);
    if (!text)
        return std::unexpected(text.error());
    if (auto r = b.add(*text, file_or_dir.string()); !r)
        return std::unexpected(r.error());
    return b;
}

Expected<void> Bootstrap::add(std::string_view json_text, std::string_view origin)
{
    auto doc = nlohmann::json::parse(json_text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return fail(ErrorKind::parse, fmt::format("{}: not a JSON object", origin));
    auto services = doc.find("services");
    if (services == doc.end() || !services->is_array())
        return fail(ErrorKind::parse, fmt::format("{}: no \"services\" array", origin));
    std::vector<Entry> added;
    for (const auto& service : *services) {
        if (!service.is_array() || service.size() != 2 || !service[0].is_array() ||
            !service[1].is_array())
            return fail(ErrorKind::parse,
                        fmt::format("{}: a service is not [[prefixes], [urls]]", origin));
        std::string chosen;
        for (const auto& url : service[1]) {
            if (!url.is_string() || !is_http(url.get<std::string>()))
                continue;
            auto text = url.get<std::string>();
            if (chosen.empty() || (is_https(text) && !is_https(chosen)))
                chosen = text;
        }
        if (chosen.empty())
            continue; // a service without an http(s) URL cannot be used
        if (chosen.back() != '/')
            chosen += '/';
        for (const auto& prefix : service[0]) {
            if (!prefix.is_string())
                return fail(ErrorKind::parse, fmt::format("{}: a prefix is not a string", origin));
            auto text = prefix.get<std::string>();
            if (text.find('/') == std::string::npos)
                return fail(ErrorKind::parse,
                            fmt::format("{}: prefix '{}' has no length", origin, text));
            auto cidr = net::parse_cidr(text);
            if (!cidr)
                return fail(ErrorKind::parse,
                            fmt::format("{}: prefix '{}': {}", origin, text, cidr.error().message));
            added.push_back({*cidr, chosen});
        }
    }
    if (added.empty())
        return fail(ErrorKind::parse, fmt::format("{}: no usable service", origin));
    m_entries.insert(m_entries.end(), added.begin(), added.end());
    return {};
}

std::optional<std::string> Bootstrap::base_url(const net::IpAddress& ip) const
{
    const Entry* best = nullptr;
    for (const auto& e : m_entries)
        if (e.prefix.contains(ip) && (!best || e.prefix.length > best->prefix.length))
            best = &e;
    if (!best)
        return std::nullopt;
    return best->url;
}

Expected<void> validate_bootstrap(std::string_view json_text, std::string_view origin)
{
    Bootstrap b;
    return b.add(json_text, origin);
}

} // namespace fightback::abuse
