// The trust walk. Two modes, as in SpamAssassin: with trusted/internal networks configured a
// hop is trusted while its sender is in them (or authenticated); with neither configured the
// boundary is inferred (private and authenticated senders are trusted). An MSA hop freezes
// the classification for everything older; a fetch hop inside the trusted part starts over.
#include "fightback/trace/trust.hpp"

#include <fmt/format.h>

namespace fightback::trace {
namespace {

// A configured set with loopback in front of it, so that no exclusion in the user's list can
// take loopback away. Asks loopback first rather than copying the user's list behind it: the
// walk runs once a message.
class WithLoopback {
public:
    explicit WithLoopback(const net::NetworkSet* configured) : m_configured(configured) {}

    bool contains(const net::IpAddress& ip) const
    {
        static const net::NetworkSet loopback = *net::NetworkSet::parse("127.0.0.0/8 ::1");
        return loopback.contains(ip) || (m_configured && m_configured->contains(ip));
    }

private:
    const net::NetworkSet* m_configured;
};

// The reasons of each hop are put together with + rather than fmt: the walk runs for every
// message, and a format string is parsed on every call.
std::string describe(const Hop& hop)
{
    return hop.ip ? hop.ip->to_string() : std::string("(no IP)");
}

} // namespace

WalkResult walk_trust(const std::vector<Hop>& hops, const TrustConfig& config)
{
    WalkResult result;
    result.verdicts.resize(hops.size());

    const bool configured = config.trusted.has_value() || config.internal.has_value();
    // Either setting stands in for the other when only one is given.
    auto pointer = [](const std::optional<net::NetworkSet>& set) {
        return set ? &*set : nullptr;
    };
    const WithLoopback trusted(config.trusted ? pointer(config.trusted) : pointer(config.internal));
    const WithLoopback internal(config.internal ? pointer(config.internal)
                                                : pointer(config.trusted));
    auto in_msa = [&](const net::IpAddress& ip) { return config.msa && config.msa->contains(ip); };

    bool in_trusted = true;
    bool in_internal = true;
    bool found_msa = false;
    std::optional<std::size_t> msa_hop;

    for (std::size_t i = 0; i < hops.size(); ++i) {
        const Hop& hop = hops[i];
        HopVerdict& v = result.verdicts[i];
        if (hop.kind == HopKind::fetch) {
            v.reason = in_trusted
                           ? "mail fetch (POP/IMAP) inside the trusted part: the walk goes on with "
                             "the lines of the server we fetched from"
                           : "mail fetch below the trust boundary: ignored";
            continue;
        }
        if (hop.kind != HopKind::handover) {
            v.reason = hop.reason.empty() ? "not a network handover" : hop.reason;
            if (hop.kind == HopKind::unparseable)
                result.warnings.push_back(
                    {i, in_trusted ? "a line written by a trusted server could not be parsed"
                                   : "an unparseable line below the trust boundary"});
            continue;
        }
        v.considered = true;

        if (in_trusted && !found_msa) {
            if (!configured) {
                if (hop.ip && hop.ip->is_private()) {
                    v.reason = describe(hop) + " is a private address (inferred trust: no "
                                               "trusted networks configured)";
                } else if (hop.auth) {
                    v.reason = fmt::format("authenticated ({}) (inferred trust)", *hop.auth);
                } else {
                    in_trusted = false;
                    in_internal = false;
                    v.reason = describe(hop) + " is public and not authenticated: with no "
                                               "trusted networks configured, trust ends here";
                }
            } else if (!hop.auth && !(hop.ip && trusted.contains(*hop.ip))) {
                in_trusted = false;
                in_internal = false;
                v.reason = describe(hop) + " is not in trusted_networks and not authenticated";
            } else {
                if (in_internal && !hop.auth && !(hop.ip && internal.contains(*hop.ip)))
                    in_internal = false;
                if (hop.ip && in_msa(*hop.ip)) {
                    found_msa = true;
                    msa_hop = i;
                    v.msa = true;
                }
                v.reason = hop.auth ? fmt::format("authenticated ({})", *hop.auth)
                           : describe(hop) + " is in trusted_networks" +
                                 (v.msa ? " and msa_networks: older hops inherit its trust" : "");
            }
        } else if (found_msa) {
            v.reason = fmt::format("older than the MSA hop {}: inherits its trust", *msa_hop);
        } else {
            v.reason = "below the trust boundary: not believed";
        }
        v.trusted = in_trusted;
        v.internal = in_internal;
        if (!in_trusted && !result.origin)
            result.origin = i;
    }
    return result;
}

} // namespace fightback::trace
