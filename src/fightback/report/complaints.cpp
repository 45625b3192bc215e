// Aggregation in SQL: the pair (source, recipient) is looked up among the complaints created
// within the period; the messages table's content hash makes a message an incident once.
#include "fightback/report/complaints.hpp"

#include <mutex>

#include <fmt/format.h>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/statement.hpp"
#include "fightback/report/header_text.hpp"
#include "fightback/report/mime_text.hpp"
#include "fightback/util/text.hpp"

namespace fightback::report {
namespace {

using ledger::Statement;

struct OpenComplaint {
    std::int64_t id;
    bool composed;
    std::optional<std::int64_t> sample_arrival;
};

Expected<std::optional<OpenComplaint>> find_in_period(sqlite3* db, const std::string& source,
                                                      const std::string& recipient,
                                                      std::int64_t since_ms)
{
    auto s = Statement::prepare(
        db, "SELECT c.id, c.body IS NOT NULL, i.arrival FROM complaints c "
            "LEFT JOIN incidents i ON i.id = c.sample_incident "
            "WHERE c.source_ip = ?1 AND c.recipient = ?2 AND c.created_ms > ?3 "
            "AND c.state <> 'dropped' ORDER BY c.created_ms DESC, c.id DESC LIMIT 1");
    if (!s)
        return std::unexpected(s.error());
    s->bind(1, source).bind(2, recipient).bind(3, since_ms);
    auto row = s->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return std::optional<OpenComplaint>{};
    return std::optional<OpenComplaint>{
        OpenComplaint{s->column_int(0), s->column_int(1) != 0, s->column_optional_int(2)}};
}

Expected<std::int64_t> insert_incident(sqlite3* db, std::int64_t message,
                                       std::optional<std::int64_t> complaint,
                                       Disposition disposition, const std::string& reason,
                                       const IncidentInput& in, std::int64_t now_ms)
{
    auto s = Statement::prepare(
        db, "INSERT INTO incidents (message, complaint, disposition, reason, recorded_ms, "
            "source_ip, arrival, original_id, mail_from, rcpt_to, detection, reported_domain) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    if (!s)
        return std::unexpected(s.error());
    s->bind(1, message);
    if (complaint)
        s->bind(2, *complaint);
    else
        s->bind_null(2);
    s->bind(3, disposition_name(disposition)).bind(4, ledger::stored_text(reason, 2000));
    s->bind(5, now_ms).bind(6, in.source.to_string()).bind(7, in.arrival);
    auto keep = [](const std::optional<std::string>& v) -> std::optional<std::string> {
        if (!v)
            return std::nullopt;
        return ledger::stored_text(*v, 500);
    };
    s->bind(8, keep(in.original_id)).bind(9, keep(in.mail_from)).bind(10, keep(in.rcpt_to));
    s->bind(11, ledger::stored_text(in.detection, 200)).bind(12, keep(in.reported_domain));
    if (auto r = s->run(); !r)
        return std::unexpected(r.error());
    return ledger::last_insert_id(db);
}

// The sample a complaint keeps: the whole message when it can be attached whole, else its
// header only (all a report would attach), so the ledger never holds more than it needs.
Expected<void> set_sample(sqlite3* db, std::int64_t complaint, std::int64_t incident,
                          const IncidentInput& in, std::size_t max_attached,
                          std::int64_t now_ms)
{
    const std::string_view message = without_mbox_line(in.message);
    const bool whole = attach_whole(message, max_attached);
    auto s = Statement::prepare(
        db, "UPDATE complaints SET sample = ?2, sample_headers = ?3, sample_incident = ?4, "
            "feedback_type = ?5, updated_ms = ?6 WHERE id = ?1");
    if (!s)
        return std::unexpected(s.error());
    s->bind(1, complaint).bind_blob(2, whole ? message : header_part(message));
    s->bind(3, std::int64_t{whole ? 0 : 1}).bind(4, incident);
    s->bind(5, feedback_type_name(in.type)).bind(6, now_ms);
    return s->run();
}

} // namespace

std::string_view disposition_name(Disposition d)
{
    switch (d) {
    case Disposition::opened: return "reported";
    case Disposition::joined: return "reported";
    case Disposition::late: return "late";
    case Disposition::suppressed: return "suppressed";
    case Disposition::no_contact: return "no-contact";
    case Disposition::duplicate: return "duplicate";
    }
    return "reported";
}

Expected<IncidentOutcome> Complaints::record(const IncidentInput& input, std::int64_t now_ms) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto outcome = record_locked(input, now_ms);
    if (!outcome)
        return outcome;
    if (auto r = tx.commit(); !r)
        return std::unexpected(r.error());
    return outcome;
}

Expected<std::vector<IncidentOutcome>> Complaints::record_all(
    std::span<const IncidentInput> inputs, std::int64_t now_ms) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    std::vector<IncidentOutcome> out;
    out.reserve(inputs.size());
    for (const auto& input : inputs) {
        auto outcome = record_locked(input, now_ms);
        if (!outcome)
            return std::unexpected(outcome.error());
        out.push_back(std::move(*outcome));
    }
    if (auto r = tx.commit(); !r)
        return std::unexpected(r.error());
    return out;
}

Expected<Preview> Complaints::preview(const IncidentInput& input, std::int64_t now_ms) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto outcome = record_locked(input, now_ms);
    if (!outcome)
        return std::unexpected(outcome.error());
    Preview preview{*outcome, std::nullopt};
    if (outcome->complaint && (outcome->disposition == Disposition::opened ||
                               outcome->disposition == Disposition::joined)) {
        auto bytes = compose_complaint(m_ledger.db(), *outcome->complaint, m_compose, now_ms);
        if (!bytes)
            return std::unexpected(bytes.error());
        preview.report = std::move(*bytes);
    }
    tx.rollback();
    return preview;
}

Expected<IncidentOutcome> Complaints::record_locked(const IncidentInput& in,
                                                    std::int64_t now_ms) const
{
    sqlite3* db = m_ledger.db();
    const std::string_view message = without_mbox_line(in.message);
    ledger::MessageFacts facts;
    facts.content_hash = ledger::content_hash(message);
    facts.message_id = in.original_id;
    facts.size = message.size();
    facts.location = in.location;
    auto seen = ledger::note_message_in(db, facts, now_ms / 1000);
    if (!seen)
        return std::unexpected(seen.error());

    IncidentOutcome out;
    out.message = seen->id;
    {
        auto earlier = Statement::prepare(
            db, "SELECT id, complaint, disposition FROM incidents WHERE message = ?1");
        if (!earlier)
            return std::unexpected(earlier.error());
        earlier->bind(1, seen->id);
        auto row = earlier->step();
        if (!row)
            return std::unexpected(row.error());
        if (*row) {
            out.disposition = Disposition::duplicate;
            out.incident = earlier->column_int(0);
            out.complaint = earlier->column_optional_int(1);
            out.reason = fmt::format("this message was recorded before (incident {}, {})",
                                     out.incident, earlier->column_text(2));
            return out;
        }
    }

    std::optional<std::int64_t> complaint;
    std::optional<std::int64_t> sample_arrival; // of the complaint joined
    if (auto why = m_restraint.suppression.network_reason(in.source)) {
        out.disposition = Disposition::suppressed;
        out.reason = *why;
    } else if (!in.automatic || in.to.empty()) {
        out.disposition = Disposition::no_contact;
        out.reason = in.contact_why.empty() ? "no contact passed the confidence gate"
                                            : in.contact_why;
    } else if (auto why_to = m_restraint.suppression.address_reason(in.to)) {
        out.disposition = Disposition::suppressed;
        out.reason = *why_to;
    } else {
        const std::string source = in.source.to_string();
        auto open = find_in_period(db, source, in.to,
                                   now_ms - m_restraint.period_seconds * 1000);
        if (!open)
            return std::unexpected(open.error());
        if (*open && (*open)->composed) {
            out.disposition = Disposition::late;
            complaint = (*open)->id;
            out.reason = fmt::format("complaint {} about {} to {} was already composed in this "
                                     "period; no further report",
                                     (*open)->id, source, in.to);
        } else if (*open) {
            out.disposition = Disposition::joined;
            complaint = (*open)->id;
            sample_arrival = (*open)->sample_arrival;
        } else {
            std::vector<std::string> cc;
            for (const auto& a : in.cc)
                if (!m_restraint.suppression.address_reason(a) && a != in.to)
                    cc.push_back(a);
            auto insert = Statement::prepare(
                db, "INSERT INTO complaints (source_ip, recipient, cc, feedback_type, "
                    "message_id, state, created_ms, updated_ms, next_attempt_ms) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6, ?6)");
            if (!insert)
                return std::unexpected(insert.error());
            insert->bind(1, source).bind(2, in.to).bind(3, join_words(cc));
            insert->bind(4, feedback_type_name(in.type));
            insert->bind(5, new_message_id(m_compose.identity.address, now_ms)).bind(6, now_ms);
            if (auto r = insert->run(); !r)
                return std::unexpected(r.error());
            complaint = ledger::last_insert_id(db);
            out.disposition = Disposition::opened;
        }
    }
    auto incident = insert_incident(db, seen->id, complaint, out.disposition, out.reason, in,
                                    now_ms);
    if (!incident)
        return std::unexpected(incident.error());
    out.incident = *incident;
    out.complaint = complaint;
    if (out.disposition == Disposition::opened ||
        (out.disposition == Disposition::joined &&
         (!sample_arrival || in.arrival >= *sample_arrival))) {
        if (auto r = set_sample(db, *complaint, *incident, in, m_compose.max_attached_bytes,
                                now_ms);
            !r)
            return std::unexpected(r.error());
    } else if (out.disposition == Disposition::joined) {
        auto touch = Statement::prepare(db, "UPDATE complaints SET updated_ms = ?2 WHERE id = ?1");
        if (!touch)
            return std::unexpected(touch.error());
        touch->bind(1, *complaint).bind(2, now_ms);
        if (auto r = touch->run(); !r)
            return std::unexpected(r.error());
    }
    return out;
}

Expected<std::string> compose_complaint(sqlite3* db, std::int64_t id,
                                        const ComposeOptions& options, std::int64_t now_ms)
{
    auto c = Statement::prepare(
        db, "SELECT source_ip, recipient, cc, feedback_type, message_id, sample, sample_headers, "
            "sample_incident FROM complaints WHERE id = ?1");
    if (!c)
        return std::unexpected(c.error());
    c->bind(1, id);
    auto row = c->step();
    if (!row)
        return std::unexpected(row.error());
    if (!*row)
        return fail(ErrorKind::not_found, fmt::format("no complaint {}", id));
    auto source = net::IpAddress::parse(c->column_text(0));
    if (!source)
        return fail(ErrorKind::parse, fmt::format("complaint {}: bad source address", id));
    ReportContent content;
    content.source = *source;
    content.to = c->column_text(1);
    content.cc = split_words(c->column_text(2));
    content.type = parse_feedback_type(c->column_text(3)).value_or(FeedbackType::abuse);
    content.message_id = c->column_text(4);
    const std::string sample = c->column_blob(5);
    content.original = sample;
    content.original_is_header_only = c->column_int(6) != 0;
    const auto sample_incident = c->column_optional_int(7);
    content.date = now_ms / 1000;

    auto incidents = Statement::prepare(
        db, "SELECT id, arrival, original_id, mail_from, rcpt_to, detection, reported_domain "
            "FROM incidents WHERE complaint = ?1 AND disposition = 'reported' "
            "ORDER BY arrival DESC, id DESC");
    if (!incidents)
        return std::unexpected(incidents.error());
    incidents->bind(1, id);
    int count = 0;
    for (;;) {
        auto more = incidents->step();
        if (!more)
            return std::unexpected(more.error());
        if (!*more)
            break;
        ++count;
        const std::int64_t arrival = incidents->column_int(1);
        content.first_arrival = content.first_arrival ? std::min(content.first_arrival, arrival)
                                                      : arrival;
        if (sample_incident && incidents->column_int(0) == *sample_incident) {
            content.arrival = arrival;
            content.original_id = incidents->column_optional_text(2);
            content.mail_from = incidents->column_optional_text(3);
            content.rcpt_to = incidents->column_optional_text(4);
            content.detection = incidents->column_text(5);
            content.reported_domain = incidents->column_optional_text(6);
        } else {
            content.others.push_back(ListedIncident{arrival, incidents->column_optional_text(2),
                                                    incidents->column_text(5)});
        }
    }
    content.incidents = count;
    if (count == 0 || !sample_incident)
        return fail(ErrorKind::invalid, fmt::format("complaint {} has no incidents", id));
    return compose_report(content, options);
}

} // namespace fightback::report
