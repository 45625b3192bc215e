// Parsing "HOST:PORT" for --dns-server and the [dns] servers setting.
#include "fightback/dns/server_address.hpp"

#include <charconv>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::dns {
namespace {

Expected<std::uint16_t> parse_port(std::string_view text, std::string_view whole)
{
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535)
        return fail(ErrorKind::invalid,
                    fmt::format("DNS server '{}': the port must be 1-65535", printable(whole)));
    return static_cast<std::uint16_t>(value);
}

} // namespace

Expected<ServerAddress> ServerAddress::parse(std::string_view text)
{
    auto invalid = [&] {
        return fail(ErrorKind::invalid,
                    fmt::format("DNS server '{}': expected ADDRESS, ADDRESS:PORT or [IPv6]:PORT",
                                printable(text)));
    };
    std::string_view host = text;
    std::string_view port;
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return invalid();
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return invalid();
            port = rest.substr(1);
            if (port.empty())
                return invalid();
        }
    } else if (auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty())
            return invalid();
    }
    auto address = net::IpAddress::parse(host);
    if (!address)
        return invalid();
    ServerAddress server{*address, 53};
    if (!port.empty()) {
        auto p = parse_port(port, text);
        if (!p)
            return std::unexpected(p.error());
        server.port = *p;
    }
    return server;
}

std::string ServerAddress::to_string() const
{
    if (address.is_v4())
        return fmt::format("{}:{}", address.to_string(), port);
    return fmt::format("[{}]:{}", address.to_string(), port);
}

std::string servers_csv(std::span<const ServerAddress> servers)
{
    std::string out;
    for (const auto& s : servers) {
        if (!out.empty())
            out += ',';
        out += s.to_string();
    }
    return out;
}

} // namespace fightback::dns
