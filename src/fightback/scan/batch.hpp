// Scanning many message files with worker threads sharing one Classifier (one loaded
// engine). Used by `fightback scan` and the scan benchmark.
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>

#include "fightback/mail/message.hpp"
#include "fightback/scan/classifier.hpp"

namespace fightback::scan {

struct BatchOptions {
    unsigned jobs = 1;
    mail::LoadLimits limits = {.max_message_bytes = 64u << 20, .max_header_fields = 10000,
                               .headers_only = true};
    const std::atomic<bool>* stop = nullptr; // when set, workers take no new file
};

// Called on the worker threads, concurrently, in completion order. A file that vanished
// or cannot be read arrives as an error (kind not_found / io), the others as verdicts.
using BatchCallback = std::function<void(std::size_t index, const std::filesystem::path& path,
                                         Expected<Verdict> verdict)>;

// Returns how many files were handed to the callback (fewer than all only after `stop`).
std::size_t scan_files(const Classifier& classifier, std::span<const std::filesystem::path> files,
                       const BatchOptions& options, const BatchCallback& on_result);

} // namespace fightback::scan
