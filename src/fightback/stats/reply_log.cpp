// Matching replies to complaints and recording them. The complaints' subjects are read from
// their composed bytes (the Subject we sent), so the subject route needs no column of its own.
#include "fightback/stats/reply_log.hpp"

#include <algorithm>
#include <mutex>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/statement.hpp"

namespace fightback::stats {
namespace {

using ledger::Statement;

std::string strip_brackets(std::string_view id)
{
    while (!id.empty() && (id.front() == '<' || id.front() == ' '))
        id.remove_prefix(1);
    while (!id.empty() && (id.back() == '>' || id.back() == ' '))
        id.remove_suffix(1);
    return std::string(id);
}

// The unfolded Subject field of a composed message (its header block only).
std::string subject_of(std::string_view bytes)
{
    const auto end = std::min(bytes.find("\r\n\r\n"), bytes.find("\n\n"));
    const auto header = bytes.substr(0, std::min(end, bytes.size()));
    std::size_t at = 0;
    while (at < header.size()) {
        auto eol = header.find('\n', at);
        if (eol == std::string_view::npos)
            eol = header.size();
        auto line = header.substr(at, eol - at);
        at = eol + 1;
        if (line.size() < 8 || (line.substr(0, 8) != "Subject:" && line.substr(0, 8) != "subject:"))
            continue;
        std::string value(line.substr(8));
        while (at < header.size() && (header[at] == ' ' || header[at] == '\t')) {
            eol = header.find('\n', at);
            if (eol == std::string_view::npos)
                eol = header.size();
            value += header.substr(at, eol - at);
            at = eol + 1;
        }
        std::erase(value, '\r');
        return value;
    }
    return {};
}

// The domain of an address, down to its last two labels: a desk's replies may come from
// different hosts of one organisation.
std::string desk_of(std::string_view address)
{
    auto at = address.rfind('@');
    if (at == std::string_view::npos)
        return {};
    auto domain = address.substr(at + 1);
    auto last = domain.rfind('.');
    if (last != std::string_view::npos && last > 0) {
        auto second = domain.rfind('.', last - 1);
        if (second != std::string_view::npos)
            domain = domain.substr(second + 1);
    }
    return std::string(domain);
}

} // namespace

Expected<ReplyLog> ReplyLog::open(const ledger::Ledger& ledger)
{
    ReplyLog log(ledger);
    std::lock_guard lock(ledger.mutex());
    auto stmt = Statement::prepare(ledger.db(),
                                   "SELECT id, message_id, source_ip, created_ms, body "
                                   "FROM complaints ORDER BY id");
    if (!stmt)
        return std::unexpected(stmt.error());
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        Complaint c;
        c.id = stmt->column_int(0);
        c.message_id = strip_brackets(stmt->column_text(1));
        c.source_ip = stmt->column_text(2);
        c.created_ms = stmt->column_int(3);
        if (!stmt->column_is_null(4))
            c.base_subject = base_subject(subject_of(stmt->column_blob(4)));
        log.m_complaints.push_back(std::move(c));
    }
    return log;
}

std::optional<std::int64_t> ReplyLog::by_message_id(const std::string& id) const
{
    for (const auto& c : m_complaints)
        if (!c.message_id.empty() && c.message_id == id)
            return c.id;
    return std::nullopt;
}

Expected<std::optional<std::int64_t>> ReplyLog::by_ticket(const ReplyFacts& facts) const
{
    if (!facts.ticket)
        return std::optional<std::int64_t>{};
    const auto desk = desk_of(facts.from_address);
    auto stmt = Statement::prepare(m_ledger->db(),
                                   "SELECT complaint, from_addr FROM replies WHERE ticket = ?1 "
                                   "AND complaint IS NOT NULL ORDER BY received_ms, id");
    if (!stmt)
        return std::unexpected(stmt.error());
    stmt->bind(1, *facts.ticket);
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            return std::optional<std::int64_t>{};
        if (desk_of(stmt->column_text(1)) == desk)
            return std::optional<std::int64_t>{stmt->column_int(0)};
    }
}

std::optional<std::int64_t> ReplyLog::by_subject(const std::string& base) const
{
    if (base.empty())
        return std::nullopt;
    // The latest complaint with that subject: a source reported again gets a new one.
    for (auto it = m_complaints.rbegin(); it != m_complaints.rend(); ++it)
        if (it->base_subject == base)
            return it->id;
    return std::nullopt;
}

std::optional<std::int64_t> ReplyLog::by_source(const std::vector<std::string>& addresses,
                                                std::int64_t before_ms) const
{
    std::optional<std::int64_t> best;
    std::int64_t best_created = -1;
    for (const auto& c : m_complaints) {
        if (c.created_ms > before_ms || c.created_ms < best_created)
            continue;
        if (std::find(addresses.begin(), addresses.end(), c.source_ip) != addresses.end()) {
            best = c.id;
            best_created = c.created_ms;
        }
    }
    return best;
}

Expected<RecordedReply> ReplyLog::record(const ReplyFacts& facts, std::string_view content_hash,
                                         std::int64_t received_ms, std::string_view location,
                                         std::int64_t now_ms, bool dry_run)
{
    RecordedReply out;
    out.kind = facts.kind;
    out.ticket = facts.ticket;
    out.matched_by = "none";
    std::lock_guard lock(m_ledger->mutex());

    auto first_id = [&](const std::vector<std::string>& ids, bool newest_first) {
        std::optional<std::int64_t> hit;
        auto look = [&](const std::string& id) {
            if (!hit)
                hit = by_message_id(id);
        };
        if (newest_first)
            std::for_each(ids.rbegin(), ids.rend(), look);
        else
            std::for_each(ids.begin(), ids.end(), look);
        return hit;
    };
    if ((out.complaint = first_id(facts.in_reply_to, false))) {
        out.matched_by = "in-reply-to";
    } else if ((out.complaint = first_id(facts.references, true))) {
        out.matched_by = "references";
    } else if ((out.complaint = first_id(facts.original_ids, false))) {
        out.matched_by = "original";
    } else {
        auto ticket = by_ticket(facts);
        if (!ticket)
            return std::unexpected(ticket.error());
        if ((out.complaint = *ticket))
            out.matched_by = "ticket";
        else if ((out.complaint = by_subject(facts.base_subject)))
            out.matched_by = "subject";
        else if ((out.complaint = by_source(facts.addresses, received_ms)))
            out.matched_by = "source-ip";
    }
    if (dry_run)
        return out;

    auto find = Statement::prepare(m_ledger->db(),
                                   "SELECT kind, complaint, matched_by, ticket FROM replies "
                                   "WHERE content_hash = ?1");
    if (!find)
        return std::unexpected(find.error());
    find->bind(1, content_hash);
    auto row = find->step();
    if (!row)
        return std::unexpected(row.error());
    if (*row) {
        // Recorded before: report what the ledger holds.
        out.already_recorded = true;
        out.complaint = find->column_optional_int(1);
        out.matched_by = find->column_text(2);
        out.ticket = find->column_optional_text(3);
        return out;
    }
    auto insert = Statement::prepare(
        m_ledger->db(),
        "INSERT INTO replies (content_hash, message_id, kind, complaint, matched_by, ticket, "
        "from_addr, subject, received_ms, recorded_ms, location) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    if (!insert)
        return std::unexpected(insert.error());
    insert->bind(1, content_hash);
    std::optional<std::string> message_id;
    if (facts.message_id)
        message_id = ledger::stored_text(*facts.message_id, 250);
    insert->bind(2, message_id).bind(3, std::string(to_string(facts.kind)));
    if (out.complaint)
        insert->bind(4, *out.complaint);
    else
        insert->bind_null(4);
    insert->bind(5, out.matched_by).bind(6, facts.ticket);
    insert->bind(7, ledger::stored_text(facts.from_address, 254));
    insert->bind(8, ledger::stored_text(facts.subject, 512)).bind(9, received_ms);
    insert->bind(10, now_ms).bind(11, ledger::stored_text(location, 4096));
    if (auto r = insert->run(); !r)
        return std::unexpected(r.error());
    return out;
}

} // namespace fightback::stats
