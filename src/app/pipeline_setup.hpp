// What `scan` and `watch` share: their flags, and everything a run needs built from the
// config once (the ledger, the engine, the complaints, the contact search, the pipeline and
// the outbox), with a dry run kept to an in-memory ledger. Also the summary both print.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common.hpp"
#include "report_contacts.hpp"
#include "report_setup.hpp"
#include "scan_setup.hpp"
#include "fightback/pipeline/pipeline.hpp"
#include "fightback/send/outbox.hpp"

namespace fightback::app {

inline constexpr int exit_some_failed = 1;

struct PipelineArgs {
    std::vector<std::string> folders;
    bool dry_run = false;
    bool no_send = false;
    bool retry_errors = false;
    std::optional<std::string> since; // a date or a span back from now
    std::optional<unsigned> jobs;
    ScanFlags scan;
    RecipientFlags recipients; // --to/--cc are not offered: contacts come from the search
    SendFlags transport;
    TrustFlags trust;

    void add_to(CLI::App& command);
};

struct Tally {
    std::size_t scanned = 0, clean = 0, complained = 0, unresolved = 0, review = 0,
                quarantined = 0, skipped = 0, vanished = 0, errors = 0, temporary = 0,
                complaints_queued = 0, failed_before = 0, too_old = 0, before_since = 0;
    void add(const pipeline::MessageResult& r);
};

// A failure of the setup, with the exit code it means (2 config, 75 temporary).
struct SetupError {
    int exit_code;
    std::string message;
};

class PipelineSession {
public:
    static std::expected<std::unique_ptr<PipelineSession>, SetupError>
    create(const GlobalOptions& global, const PipelineArgs& args);

    pipeline::Pipeline& pipeline() { return *m_pipeline; }
    unsigned jobs() const { return m_jobs; }
    bool dry_run() const { return m_dry_run; }
    // Sends what is due (a dry run says what would go). Errors are printed.
    std::optional<send::FlushSummary> flush();

private:
    PipelineSession() = default;

    config::Config m_config;
    PipelineArgs m_args;
    bool m_dry_run = false;
    unsigned m_jobs = 1;
    std::optional<ledger::Ledger> m_ledger;   // the state written (in memory for a dry run)
    std::optional<ledger::Ledger> m_known;    // the real ledger, read in a dry run
    std::optional<scan::Classifier> m_classifier;
    std::optional<Reporting> m_reporting;
    std::unique_ptr<report::Complaints> m_complaints;
    std::unique_ptr<RecipientSearch> m_recipients; // before m_pipeline: it outlives the pipeline
    std::unique_ptr<pipeline::Pipeline> m_pipeline;
};

// The message files of the folders (Maildir or Maildir++), new/ then cur/; with `allow_mbox`,
// mbox files named among them too (read, never written).
struct Mailboxes {
    std::vector<std::filesystem::path> files;
    std::vector<std::filesystem::path> mboxes;
};
Expected<Mailboxes> list_mailboxes(const std::vector<std::string>& names, bool allow_mbox);
// Maildir folders only (what `watch` can follow).
Expected<std::vector<std::filesystem::path>> list_folders(const std::vector<std::string>& folders);

// Every message of an mbox file through the pipeline, read-only, one after another, until
// the end or `stop`. Messages over the size limit and read errors are error results.
void scan_mbox(pipeline::Pipeline& pipeline, const std::filesystem::path& mbox,
               const std::atomic<bool>& stop,
               const std::function<void(const pipeline::MessageResult&)>& on_result);

// One log line for a result worth a line (not clean, not skipped).
std::optional<std::string> log_line(const pipeline::MessageResult& r);

void print_summary(const Tally& tally, const std::optional<send::FlushSummary>& flush,
                   bool dry_run, double seconds);

int exit_code_for(const Tally& tally);

} // namespace fightback::app
