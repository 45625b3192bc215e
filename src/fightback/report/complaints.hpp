// Incidents and the complaints they are gathered into (ledger schema step 3). One complaint
// per source address and recipient per period: the first incident opens it, later ones in the
// period join it (Incidents = N, the latest message becomes the attached sample) until it is
// composed for its first delivery attempt; from then on its bytes are fixed, and incidents
// that still arrive in the period are recorded as "late" without a new report. The
// suppression list and the contacts' confidence gate are applied here, so nothing that must
// not go out is ever queued.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/ledger/ledger.hpp"
#include "fightback/report/arf.hpp"
#include "fightback/report/suppression.hpp"

struct sqlite3;

namespace fightback::report {

struct Restraint {
    std::int64_t period_seconds = 86400; // one complaint per source and recipient per period
    Suppression suppression;
};

struct IncidentInput {
    net::IpAddress source;
    // The contacts' decision: To and CC (validated), and whether it passed the gate.
    std::string to;
    std::vector<std::string> cc;
    bool automatic = false;
    std::string contact_why; // the decision in words, kept when no complaint is made

    FeedbackType type = FeedbackType::abuse;
    std::string detection; // what the scanner or the rule named
    std::int64_t arrival = 0; // seconds since the epoch
    std::optional<std::string> original_id;
    std::optional<std::string> mail_from;
    std::optional<std::string> rcpt_to;
    std::optional<std::string> reported_domain;
    std::string_view message; // the bytes as received
    std::optional<std::string> location;
};

enum class Disposition : std::uint8_t {
    opened,     // a new complaint was queued with this incident
    joined,     // added to a complaint not yet composed
    late,       // the period's complaint has already been composed or sent
    suppressed, // a suppressed address or network
    no_contact, // no recipient passed the confidence gate
    duplicate,  // this message was recorded as an incident before
};

std::string_view disposition_name(Disposition d);

struct IncidentOutcome {
    Disposition disposition = Disposition::no_contact;
    std::optional<std::int64_t> complaint;
    std::int64_t incident = 0;
    std::int64_t message = 0; // the row in `messages`
    std::string reason;
};

struct Preview {
    IncidentOutcome outcome;
    std::optional<std::string> report; // the bytes that would be sent, when one would be
};

class Complaints {
public:
    Complaints(const ledger::Ledger& ledger, Restraint restraint, ComposeOptions compose)
        : m_ledger(ledger), m_restraint(std::move(restraint)), m_compose(std::move(compose))
    {
    }

    // Records one incident (one transaction).
    Expected<IncidentOutcome> record(const IncidentInput& input, std::int64_t now_ms) const;
    // Records several in one transaction (all or none): a batch costs one commit, for callers
    // that can act on the messages only after the whole batch is recorded.
    Expected<std::vector<IncidentOutcome>> record_all(std::span<const IncidentInput> inputs,
                                                      std::int64_t now_ms) const;
    // The same, then composes the complaint it lands in, then rolls everything back: what
    // `record` and a send would do, with nothing kept.
    Expected<Preview> preview(const IncidentInput& input, std::int64_t now_ms) const;

    const ComposeOptions& compose_options() const { return m_compose; }
    const Restraint& restraint() const { return m_restraint; }

private:
    Expected<IncidentOutcome> record_locked(const IncidentInput& input, std::int64_t now_ms) const;

    const ledger::Ledger& m_ledger;
    Restraint m_restraint;
    ComposeOptions m_compose;
};

// The report for complaint `id` as it stands (its sample and incidents). The caller holds the
// ledger's mutex; nothing is written.
Expected<std::string> compose_complaint(sqlite3* db, std::int64_t id, const ComposeOptions& options,
                                        std::int64_t now_ms);

} // namespace fightback::report
