// Tying replies to the complaints they answer, and keeping them in the ledger (schema step 4).
// In order: In-Reply-To, then References, against the Message-ID each complaint was sent with;
// then a Message-ID found in the body (the original a bounce or desk quotes); then a ticket the
// same desk used earlier on a reply already tied; then the subject with its Re: taken off;
// then the source address the subject (or an ARF Source-IP) names, to that source's latest
// complaint before the reply. A reply is recorded once (by the SHA-256 of its bytes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fightback/ledger/ledger.hpp"
#include "fightback/stats/reply_kind.hpp"

namespace fightback::stats {

struct RecordedReply {
    ReplyKind kind = ReplyKind::personal;
    std::optional<std::int64_t> complaint;
    std::string matched_by; // in-reply-to, references, original, ticket, subject, source-ip, none
    std::optional<std::string> ticket;
    bool already_recorded = false; // the same bytes were recorded before (nothing changed)
};

class ReplyLog {
public:
    // Reads the complaints' Message-IDs, subjects and sources once.
    static Expected<ReplyLog> open(const ledger::Ledger& ledger);

    // Ties and records one reply. `received_ms`: when it arrived (the Date field, else the
    // file's time). `dry_run`: tie it, record nothing.
    Expected<RecordedReply> record(const ReplyFacts& facts, std::string_view content_hash,
                                   std::int64_t received_ms, std::string_view location,
                                   std::int64_t now_ms, bool dry_run = false);

private:
    struct Complaint {
        std::int64_t id = 0;
        std::string message_id; // without angle brackets
        std::string base_subject;
        std::string source_ip;
        std::int64_t created_ms = 0;
    };
    explicit ReplyLog(const ledger::Ledger& ledger) : m_ledger(&ledger) {}

    std::optional<std::int64_t> by_message_id(const std::string& id) const;
    Expected<std::optional<std::int64_t>> by_ticket(const ReplyFacts& facts) const;
    std::optional<std::int64_t> by_subject(const std::string& base) const;
    std::optional<std::int64_t> by_source(const std::vector<std::string>& addresses,
                                          std::int64_t before_ms) const;

    const ledger::Ledger* m_ledger;
    std::vector<Complaint> m_complaints;
};

} // namespace fightback::stats
