// [scan], [[scan.rules]], [folders] and [deliver]: which virus scanner and database, what
// each kind of detection or spam header leads to, where messages are filed, and how the
// delivery filter behaves. Documented in docs/scan.md. Every key is optional.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "fightback/scan/classifier.hpp"
#include "fightback/scan/engine.hpp"
#include "fightback/scan/rules.hpp"
#include "fightback/util/error.hpp"

namespace fightback::config {

struct ScanConfig {
    scan::EngineSettings engine;
    scan::Rules rules = scan::Rules::defaults(); // replaced when [[scan.rules]] are given
    scan::ClassifyOptions classify;
    std::optional<unsigned> jobs;
};

// Destinations: relative names are Maildir++ folders under the Maildir root (the folder
// being scanned belongs to, or `maildir` for `deliver`); absolute paths are used as given.
struct FoldersConfig {
    std::optional<std::filesystem::path> maildir; // deliver's inbox; default $MAILDIR, ~/Maildir
    std::string complained = ".Complained";       // evidence of complaints made
    std::string unresolved = ".Unresolved";       // detected, but no one to complain to
    std::string review = ".Review";               // held for a human
    std::string quarantine = ".Quarantine";       // set aside; deliver's complaint queue too
    std::string html = ".HTML";                   // HTML-only mail (deliver)
};

struct DeliverConfig {
    bool scan = true;              // run the virus scanner and spam rules at delivery
    bool html_only = true;         // file HTML-only mail into folders.html
    std::size_t max_scan_bytes = 32u << 20; // larger mail is delivered unscanned to the inbox
};

Expected<void> read_scan(std::string_view toml_text, ScanConfig& scan, FoldersConfig& folders,
                         DeliverConfig& deliver);

// "25M", "512K", "1G" or a plain number of bytes.
Expected<std::uint64_t> parse_size(std::string_view key, std::string_view text);

} // namespace fightback::config
