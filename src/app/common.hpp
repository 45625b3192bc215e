// What the subcommands share: the global options, loading the config with flags applied, the
// list of inputs (files, `-`, Maildir folders), and the exit codes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fightback/config/config.hpp"
#include "fightback/mail/message.hpp"

namespace fightback::app {

// Exit codes: 0 found/ok, 1 not found, 2 usage or I/O error (the 2003 scripts' contract).
inline constexpr int exit_ok = 0;
inline constexpr int exit_not_found = 1;
inline constexpr int exit_error = 2;
inline constexpr int exit_tempfail = 75; // sysexits EX_TEMPFAIL: deliver asks the MTA to retry

struct GlobalOptions {
    std::optional<std::filesystem::path> config_path;
};

struct TrustFlags {
    std::optional<std::string> trusted;
    std::optional<std::string> internal;
    std::optional<std::string> msa;
    std::optional<std::string> originating_ip_headers;
    std::optional<std::string> assume_routable;

    void add_to(CLI::App& command);
    // Overrides what the config file said.
    Expected<void> apply(trace::TrustConfig& trust) const;
};

Expected<config::Config> load_config(const GlobalOptions& global);

// One input message: where it came from and how to read it.
struct Input {
    std::string name; // "-" for standard input
    std::filesystem::path path;
    bool is_stdin = false;
};

// Expands Maildir folders into their messages; no arguments means standard input.
Expected<std::vector<Input>> expand_inputs(const std::vector<std::string>& args);
Expected<mail::Message> load_input(const Input& input, const mail::LoadLimits& limits);

void print_error(const std::string& what);

// Each subcommand registers itself; the callback stores its exit code in `exit_code`.
void add_trace_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_headers_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_contacts_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_update_bootstrap_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_find_sender_domain_command(CLI::App& app, const GlobalOptions& global,
                                    int& exit_code);
void add_report_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_outbox_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_deliver_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_scan_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_watch_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_stats_command(CLI::App& app, const GlobalOptions& global, int& exit_code);
void add_replies_command(CLI::App& app, const GlobalOptions& global, int& exit_code);

} // namespace fightback::app
