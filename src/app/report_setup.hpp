// What `report`, `outbox` (and the scan pipeline) share: the [report], [send] and [ledger]
// settings with the flags on top, turned into the report's compose options, the restraint,
// the outbox's options and a transport; and where the ledger is.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "fightback/config/config.hpp"
#include "fightback/report/complaints.hpp"
#include "fightback/send/outbox.hpp"

namespace fightback::app {

struct SendFlags {
    std::optional<std::string> smtp_url;
    std::optional<std::string> reporter;

    void add_to(CLI::App& command);
    // --smtp-url also selects SMTP; --reporter replaces [report] reporter.
    void apply(config::Config& config) const;
};

// [ledger] path, else [contacts] ledger, else $XDG_DATA_HOME/fightback/ledger.sqlite.
std::optional<std::filesystem::path> ledger_path(const config::Config& config);

struct Reporting {
    report::ComposeOptions compose;
    report::Restraint restraint;
    send::OutboxOptions outbox;
};

// Fails with a clear message when the reporter identity is missing or invalid.
Expected<Reporting> reporting_setup(const config::Config& config,
                                    const std::optional<std::filesystem::path>& ledger);

// SMTP when a URL is configured (or method = "smtp"), else the sendmail program.
Expected<std::unique_ptr<send::Transport>> make_transport(const config::SendConfig& send);

} // namespace fightback::app
