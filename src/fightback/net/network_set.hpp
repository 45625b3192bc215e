// A list of networks in SpamAssassin's trusted_networks syntax: CIDR (`192.0.2.0/24`), short
// forms (`10/8`, `10.`, `1.2/16`, `1.2.3.`), bare addresses, ranges (`a-b`), IPv6, and
// exclusions (`!192.0.2.7`). The first entry that matches decides, as in SpamAssassin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::net {

struct Cidr {
    IpAddress network; // host bits cleared
    int length = 0;

    bool contains(const IpAddress& ip) const;
    std::string to_string() const;
};

// One CIDR or a short form; no `!`, no range.
Expected<Cidr> parse_cidr(std::string_view text);

class NetworkSet {
public:
    // Space- or comma-separated entries. An entry that does not parse is an error naming it.
    static Expected<NetworkSet> parse(std::string_view list);

    void add(const Cidr& cidr, bool exclude = false);
    // Adds every entry of `other` after this set's own.
    void append(const NetworkSet& other);

    bool contains(const IpAddress& ip) const;
    bool empty() const { return m_entries.empty(); }
    std::string to_string() const;

private:
    struct Entry {
        Cidr cidr;
        bool exclude;
    };
    std::vector<Entry> m_entries;
};

} // namespace fightback::net
