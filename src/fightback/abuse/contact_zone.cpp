// Contact-zone names and TXT reading.
#include "fightback/abuse/contact_zone.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::abuse {

std::string contact_zone_name(const net::IpAddress& ip, std::string_view zone)
{
    std::string name;
    const auto& b = ip.bytes();
    if (ip.is_v4()) {
        name = fmt::format("{}.{}.{}.{}", b[3], b[2], b[1], b[0]);
    } else {
        constexpr char hex[] = "0123456789abcdef";
        for (int i = 15; i >= 0; --i) {
            auto byte = b[static_cast<std::size_t>(i)];
            name += hex[byte & 0x0f];
            name += '.';
            name += hex[byte >> 4];
            if (i > 0)
                name += '.';
        }
    }
    while (!zone.empty() && zone.front() == '.')
        zone.remove_prefix(1);
    while (!zone.empty() && zone.back() == '.')
        zone.remove_suffix(1);
    return zone.empty() ? name : name + "." + std::string(zone);
}

ZoneAddresses read_zone_txt(const std::vector<std::string>& txt, std::size_t limit)
{
    ZoneAddresses out;
    for (const auto& s : txt) {
        std::string_view rest = s;
        while (!rest.empty() && out.addresses.size() < limit) {
            auto comma = rest.find(',');
            auto item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
                item.remove_prefix(1);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
                item.remove_suffix(1);
            if (item.empty())
                continue;
            if (iequals(item, "removed@lacnic.net")) {
                out.says_none = true;
                continue;
            }
            if (std::find(out.addresses.begin(), out.addresses.end(), item) == out.addresses.end())
                out.addresses.emplace_back(item);
        }
    }
    return out;
}

} // namespace fightback::abuse
