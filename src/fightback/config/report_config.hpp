// [report], [send] and [ledger]: who the reports come from and what they say, how much
// restraint (the period, the per-recipient limit, the suppression list), how they leave
// (SMTP or a sendmail pipe, TLS, AUTH, timeouts, retries), and where the ledger lives.
// Every key is optional; docs/reports.md lists them with their defaults.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::config {

struct ReportConfig {
    std::optional<std::string> reporter;      // "Name <address>" or "address"
    std::optional<std::string> reply_to;
    std::optional<std::string> reporting_mta; // the host name of our MX
    std::optional<std::filesystem::path> template_file;
    std::optional<bool> include_rcpt_to;      // Original-Rcpt-To (names our user; off)
    std::optional<std::uint64_t> max_attached_bytes;
    std::optional<double> period;             // seconds: one report per source and recipient
    std::optional<int> max_listed;
    std::optional<int> per_recipient_limit;   // reports per recipient per window; 0 = none
    std::optional<double> per_recipient_window; // seconds
    std::vector<std::string> suppress_addresses; // "abuse@x.example" or "@x.example"
    std::optional<std::string> suppress_networks;
    std::optional<double> max_age;            // seconds: older mail is too-old (3 days)
    std::optional<std::string> attach;        // virus reports: "headers" (default) or "message"
};

struct SendConfig {
    std::optional<std::string> method;         // "smtp" or "sendmail"
    std::optional<std::string> smtp_url;       // smtp://host:587 or smtps://host:465
    std::optional<std::string> starttls;       // "required" (default), "opportunistic", "off"
    std::optional<std::filesystem::path> ca_file;
    std::optional<bool> tls_verify;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::optional<std::filesystem::path> password_file; // mode 0600
    std::optional<std::string> envelope_from;
    std::optional<double> connect_timeout;     // seconds
    std::optional<double> timeout;             // seconds, the whole delivery
    std::optional<std::filesystem::path> sendmail; // the program (default /usr/sbin/sendmail)
    std::optional<double> retry_base;          // seconds before the first retry
    std::optional<double> retry_max;           // seconds, the longest wait
    std::optional<int> max_attempts;
    std::optional<std::string> unknown_outcome; // "resend" (default) or "assume-sent"
    std::optional<int> burst_limit;            // more new complaints in one run are queued (20)
};

struct LedgerConfig {
    std::optional<std::filesystem::path> path;
};

// Reads the [report], [send] and [ledger] tables of a config file's text, if present.
Expected<void> read_report(std::string_view toml_text, ReportConfig& report, SendConfig& send,
                           LedgerConfig& ledger);

} // namespace fightback::config
