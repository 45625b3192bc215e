// The trust walk: which hops of a Received chain were written by servers we can believe,
// and so which hop names the true origin. Semantics follow SpamAssassin's trusted_networks,
// internal_networks and msa_networks, so a user's existing settings mean the same here.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fightback/net/network_set.hpp"
#include "fightback/trace/hop.hpp"

namespace fightback::trace {

struct TrustConfig {
    // Empty optional = not configured. Loopback is added by the walk, always.
    std::optional<net::NetworkSet> trusted;
    std::optional<net::NetworkSet> internal;
    std::optional<net::NetworkSet> msa;
    // Header names (e.g. X-Originating-IP) that yield a synthetic oldest hop; none by default.
    std::vector<std::string> originating_ip_headers;
    // Reserved ranges to treat as if they were on the Internet: the documentation ranges of a
    // test world (RFC 5737, RFC 3849). Empty in real use.
    net::NetworkSet assume_routable;
};

struct HopVerdict {
    bool trusted = false;
    bool internal = false;
    bool msa = false;
    bool considered = false; // false for skipped/unparseable/fetch lines: they take no part
    std::string reason;
};

struct Warning {
    std::optional<std::size_t> hop; // index into the hops, top (newest) = 0
    std::string text;
};

struct WalkResult {
    std::vector<HopVerdict> verdicts;  // one per hop
    std::optional<std::size_t> origin; // the first untrusted handover, if any
    std::vector<Warning> warnings;
};

// `hops` top (newest) first. Pure: no DNS, no clock.
WalkResult walk_trust(const std::vector<Hop>& hops, const TrustConfig& config);

} // namespace fightback::trace
