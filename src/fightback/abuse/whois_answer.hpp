// Reading a port-43 WHOIS answer. There is no one format: IANA prints `refer:`, ARIN prints
// `NetRange:`, `OrgAbuseEmail:`, `RAbuseEmail:` and `ReferralServer:`, RIPE-style servers (RIPE
// NCC, APNIC, AFRINIC) print `% Abuse contact for '<range>' is '<mail>'` and `abuse-mailbox:`,
// LACNIC names an `abuse-c:` handle whose `nic-hdl:` block carries `e-mail:`. Answers that
// hold several ranges are split into sections; the most specific range containing the address
// wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/abuse/ip_range.hpp"
#include "fightback/abuse/registry.hpp"

namespace fightback::abuse {

struct WhoisContact {
    std::string address; // as written, not yet validated
    std::string field;   // where it was found: "abuse-mailbox", "OrgAbuseEmail", ...
    int strength = 0;    // how directly the field names an abuse desk (0-100)
};

struct WhoisAnswer {
    std::optional<std::string> refer;    // IANA's `refer:` (a host)
    std::optional<std::string> referral; // ARIN's `ReferralServer:` (a URL)
    std::optional<IpRange> range;        // the most specific range holding the address
    std::string netname;                 // that range's netname (NetName at ARIN), if any
    std::vector<WhoisContact> contacts;  // from the most specific section that has any
    std::vector<std::string> remark_mailboxes;
    RegistryId holder = RegistryId::unknown; // the holder, when it is a registry
    bool no_abuse_registered = false;    // "% No abuse contact registered"
    bool throttled = false;              // %ERROR:201 and friends: back off
    std::string throttle_text;
};

WhoisAnswer read_whois(std::string_view text, const net::IpAddress& ip);

} // namespace fightback::abuse
