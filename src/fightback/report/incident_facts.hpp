// From what the earlier stages found (the message, its trace, the contacts' decision, the
// verdict) to one incident for the complaints: when it arrived (the date our own server wrote
// on the Received line naming the origin), its envelope sender and recipient as our servers
// recorded them, its Message-ID, the forward-confirmed domain the contacts found, and the
// recipients. Shared by `fightback report` and the scan pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fightback/abuse/ranking.hpp"
#include "fightback/mail/message.hpp"
#include "fightback/report/complaints.hpp"
#include "fightback/trace/trace.hpp"

namespace fightback::report {

struct MessageFacts {
    std::int64_t arrival = 0;                 // seconds since the epoch
    std::optional<std::string> original_id;   // validated "<...>"
    std::optional<std::string> mail_from;     // envelope sender (Return-Path, or the hop's)
    std::optional<std::string> rcpt_to;       // envelope recipient (Delivered-To, X-Original-To, `for`)
    std::optional<std::string> receiving_host; // the `by` host of the origin hop (our MX)
};

// `now` is used when no Received line carries a usable date.
MessageFacts message_facts(const mail::Message& message, const trace::Trace& trace,
                           std::int64_t now);

// The registrable domain the contacts reached by the domain route (forward-confirmed), if any.
std::optional<std::string> confirmed_domain(const abuse::Decision& decision);

// The incident for the complaints. `message.bytes()` must outlive the result.
IncidentInput make_incident(const mail::Message& message, const trace::Trace& trace,
                            const abuse::Decision& decision, FeedbackType type,
                            std::string detection, std::int64_t now);

} // namespace fightback::report
