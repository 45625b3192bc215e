// The regional Internet registries as the contact search needs to know them: which host names
// are theirs (to name who answered and to rate-limit each registry once), which mail domains
// are their own staff's, and how they name themselves as holders of their own address space.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fightback::abuse {

enum class RegistryId : std::uint8_t { unknown, arin, ripe, apnic, lacnic, afrinic, iana };

// The registry a server belongs to (`rdap.arin.net`, `whois.ripe.net`, ...), by domain.
RegistryId registry_for_host(std::string_view host);
// The registry whose staff use a mail domain (`apnic.net`, `ripe.net`, ...).
RegistryId registry_for_mail_domain(std::string_view domain);
// The registry a holder name designates ("RIPE Network Coordination Centre", "LACNIC - ...").
RegistryId registry_named(std::string_view holder_name);

std::string_view registry_name(RegistryId id); // "ARIN", "RIPE NCC", ...; "" for unknown

// The key requests are rate-limited by: the registry for a known host, else the host itself,
// so RDAP and WHOIS of one registry share one budget.
std::string rate_limit_key(std::string_view host);

// The host part of an http(s) URL, lower-cased; empty when there is none.
std::string url_host(std::string_view url);

} // namespace fightback::abuse
