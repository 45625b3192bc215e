// Recognising what an abuse desk sent back: a bounce of our complaint (a DSN, or a
// mailer-daemon's "Undelivered Mail"), an ARF feedback report, an automatic reply (with or
// without a ticket number), or a person's answer; and the facts that tie it to a complaint
// (In-Reply-To/References, the Message-IDs of a quoted original, a ticket, the subject, an
// address). Everything here reads hostile mail: bounded, and nothing is trusted beyond matching.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/mail/message.hpp"

namespace fightback::stats {

enum class ReplyKind { auto_reply, feedback_report, bounce, personal };

std::string_view to_string(ReplyKind kind);

struct ReplyFacts {
    ReplyKind kind = ReplyKind::personal;
    std::optional<std::string> message_id;
    std::vector<std::string> in_reply_to;  // Message-IDs without angle brackets
    std::vector<std::string> references;   // in order, oldest first
    std::vector<std::string> original_ids; // Message-ID fields found inside the body
    std::optional<std::string> ticket;     // normalised: "tag#number", e.g. "abuse#123"
    std::string subject;                   // decoded, printable, bounded
    std::string base_subject;              // without Re:/Fwd:/auto-reply prefixes and tickets
    std::string from_address;              // lower-cased address of From, or empty
    std::vector<std::string> addresses;    // IP addresses in the subject or a Source-IP field
    std::optional<std::int64_t> date_ms;   // the Date field, when it parses
};

ReplyFacts read_reply(const mail::Message& message);

// "[Ticket#12345]", "[ABUSE #123]", "[rt.example #123]", "Case 123", "Ticket ID: 55" ...
std::optional<std::string> find_ticket(std::string_view subject);
// The subject with reply prefixes ("Re:", "AW:", "Fwd:", "Automatic reply:" ...), bracketed
// tags and surrounding space taken off, spaces collapsed, lower-cased.
std::string base_subject(std::string_view subject);
// The Message-IDs in a field value (In-Reply-To, References), without angle brackets.
std::vector<std::string> message_ids(std::string_view value, std::size_t max = 50);

} // namespace fightback::stats
