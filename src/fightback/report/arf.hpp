// Composing one complaint as an ARF report (RFC 5965): multipart/report;
// report-type=feedback-report with the form letter, the message/feedback-report fields, and
// the reported message (message/rfc822 when it is 7-bit and small enough, else only its header
// as text/rfc822-headers). The result is CRLF text ready for SMTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/net/ip_address.hpp"
#include "fightback/report/form_letter.hpp"
#include "fightback/util/error.hpp"

namespace fightback::report {

enum class FeedbackType : std::uint8_t { abuse, virus };

std::string_view feedback_type_name(FeedbackType type);
std::optional<FeedbackType> parse_feedback_type(std::string_view text);

// Who reports: the From line (never the sender of the original), Reply-To, and the name of
// the MTA that received the reported mail.
struct Identity {
    std::string name;                         // display name; may be empty
    std::string address;                      // validated
    std::string reply_to;                     // validated; the address when unset
    std::optional<std::string> reporting_mta; // a host name
};

struct ComposeOptions {
    Identity identity;
    FormLetter letter = FormLetter::builtin();
    std::size_t max_attached_bytes = 1u << 20; // larger originals go as their header only
    bool include_rcpt_to = false;              // Original-Rcpt-To names our own user
    std::size_t max_listed = 100;              // further incidents listed in the letter
    std::int64_t period_seconds = 86400;       // for the letter's wording
};

// An incident besides the attached one, listed in the letter.
struct ListedIncident {
    std::int64_t arrival = 0;
    std::optional<std::string> original_id;
    std::string detection;
};

struct ReportContent {
    FeedbackType type = FeedbackType::abuse;
    std::string message_id;  // the report's own, "<...>"
    std::int64_t date = 0;   // the report's Date
    std::string to;          // validated
    std::vector<std::string> cc;
    net::IpAddress source;
    std::int64_t arrival = 0; // when the attached message arrived
    std::optional<std::string> mail_from; // the original's envelope sender, as found
    std::optional<std::string> rcpt_to;
    std::optional<std::string> reported_domain;
    std::optional<std::string> original_id;
    std::string detection;
    int incidents = 1;
    std::vector<ListedIncident> others; // newest first
    std::int64_t first_arrival = 0;     // of all incidents
    std::string_view original;          // the attached message as received (any line ends)
    bool original_is_header_only = false; // `original` was already cut to its header
};

// Whether the original travels whole (message/rfc822) or as its header only.
bool attach_whole(std::string_view original, std::size_t max_attached_bytes);

Expected<std::string> compose_report(const ReportContent& content, const ComposeOptions& options);

// A fresh Message-ID for a report: "<fightback.TIME.RANDOM@DOMAIN>".
std::string new_message_id(std::string_view reporter_address, std::int64_t now_ms);

} // namespace fightback::report
