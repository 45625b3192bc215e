// What `deliver` and `scan` share: the scanner flags (--engine, --database, --clamd) applied
// over [scan], the engine and classifier built from them, and where the user's Maildir is.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "fightback/config/config.hpp"
#include "fightback/scan/classifier.hpp"

namespace fightback::app {

struct ScanFlags {
    std::optional<std::string> engine;   // libclamav | clamd
    std::optional<std::string> database; // libclamav database directory or file
    std::optional<std::string> clamd;    // clamd socket or HOST:PORT
    bool no_scan = false;                // no virus scanner: header rules only

    void add_to(CLI::App& command);
    Expected<void> apply(config::ScanConfig& scan) const;
};

// The classifier for the settings: the engine loaded once (none with no_scan).
Expected<scan::Classifier> make_classifier(const config::ScanConfig& scan, bool with_engine);

// The Maildir mail is delivered to: --maildir, [folders] maildir, $MAILDIR, ~/Maildir.
Expected<std::filesystem::path> delivery_maildir(const std::optional<std::string>& flag,
                                                 const config::FoldersConfig& folders);

} // namespace fightback::app
