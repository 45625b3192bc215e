// Facts about a reported message, taken only from what our own servers wrote (the origin hop
// and the headers added at delivery) or from the message's own Message-ID; every value is
// validated again when it is written into a report.
#include "fightback/report/incident_facts.hpp"

#include "fightback/abuse/mailbox.hpp"
#include "fightback/report/header_text.hpp"

namespace fightback::report {

MessageFacts message_facts(const mail::Message& message, const trace::Trace& trace,
                           std::int64_t now)
{
    MessageFacts f;
    f.arrival = now;
    const trace::Hop* origin = trace.origin_hop();
    if (origin && origin->date) {
        f.arrival = *origin->date;
    } else {
        // The newest dated line: our own server's, when the trace named no origin.
        for (const auto& hop : trace.hops)
            if (hop.date) {
                f.arrival = *hop.date;
                break;
            }
    }
    if (auto id = message.header("Message-ID"))
        f.original_id = message_id_value(*id);
    if (auto rp = message.header("Return-Path")) {
        if (auto a = envelope_address(*rp))
            f.mail_from = *a;
    }
    if (!f.mail_from && origin && origin->envfrom)
        if (auto a = envelope_address(*origin->envfrom))
            f.mail_from = *a;
    for (const char* name : {"Delivered-To", "X-Original-To", "Envelope-To"}) {
        if (auto v = message.header(name)) {
            if (auto a = envelope_address(*v); a && !a->empty()) {
                f.rcpt_to = *a;
                break;
            }
        }
    }
    if (!f.rcpt_to && origin && origin->for_addr)
        if (auto a = envelope_address(*origin->for_addr); a && !a->empty())
            f.rcpt_to = *a;
    if (origin && origin->by)
        if (auto h = host_name(*origin->by))
            f.receiving_host = *h;
    return f;
}

std::optional<std::string> confirmed_domain(const abuse::Decision& decision)
{
    for (const auto& c : decision.candidates) {
        std::string_view sources = c.source;
        bool from_domain = false;
        while (!sources.empty()) {
            auto plus = sources.find('+');
            if (sources.substr(0, plus) == "domain")
                from_domain = true;
            sources = plus == std::string_view::npos ? std::string_view{} : sources.substr(plus + 1);
        }
        if (from_domain && c.score > 0)
            return std::string(abuse::mailbox_domain(c.address));
    }
    return std::nullopt;
}

IncidentInput make_incident(const mail::Message& message, const trace::Trace& trace,
                            const abuse::Decision& decision, FeedbackType type,
                            std::string detection, std::int64_t now)
{
    const MessageFacts f = message_facts(message, trace, now);
    IncidentInput in;
    if (auto ip = trace.origin_ip())
        in.source = *ip;
    in.automatic = decision.automatic && !decision.to.empty();
    if (!decision.to.empty())
        in.to = decision.to.front();
    in.cc = decision.cc;
    in.contact_why = decision.why;
    in.type = type;
    in.detection = std::move(detection);
    in.arrival = f.arrival;
    in.original_id = f.original_id;
    in.mail_from = f.mail_from;
    in.rcpt_to = f.rcpt_to;
    in.reported_domain = confirmed_domain(decision);
    in.message = message.bytes();
    return in;
}

} // namespace fightback::report
