// A message's Received chain, read, walked and checked: the whole answer `fightback trace`
// prints and later stages (contacts, reports) start from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fightback/mail/message.hpp"
#include "fightback/trace/hop.hpp"
#include "fightback/trace/trust.hpp"

namespace fightback::trace {

// More Received lines than this are not read; the top ones (ours) are kept.
inline constexpr std::size_t max_hops = 500;

struct Trace {
    std::vector<Hop> hops; // top (newest) first
    WalkResult walk;       // verdicts per hop, origin, warnings (incl. forgery signs)
    bool origin_routable = false; // false when the origin is private/reserved (RFC 6890)

    const Hop* origin_hop() const { return walk.origin ? &hops[*walk.origin] : nullptr; }
    std::optional<net::IpAddress> origin_ip() const;
};

struct TraceOptions {
    TrustConfig trust;
    std::optional<std::int64_t> now; // seconds since the epoch; the clock when empty
};

Trace trace_message(const mail::Message& message, const TraceOptions& options);

// When the message reached us: the date our server wrote on the trust boundary's hop (the
// line that names the origin), failing that the newest date a trusted line carries. Empty
// when no line we believe has a date.
std::optional<std::int64_t> arrival_time(const Trace& trace);

// The date of the newest Received line that has one (our final delivery, as a rule): cheap,
// no trust walk. Empty when no Received line has a readable date.
std::optional<std::int64_t> newest_received_date(const mail::Message& message);

// The forgery signs, appended to `trace.walk.warnings`: the chain test below the trust
// boundary, a non-routable origin, dates going backwards or into the future.
void check_forgery(Trace& trace, std::int64_t now,
                   const net::NetworkSet& assume_routable = {});

} // namespace fightback::trace
