// The scan pipeline that `fightback scan` and `fightback watch` share: for each message file
// not handled before (the ledger knows it by the SHA-256 of its bytes), the verdict; for
// complain actions the trace, the contacts and the incident (which the report module gathers
// into one complaint per source and recipient per period); then the move into the folder the
// outcome names. Every step is in the ledger before the next starts, and the folder is
// recorded before the move, so a run killed anywhere is finished by the next one and no
// message is reported twice. Sending the queued complaints is the caller's (the outbox).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "fightback/abuse/contact_finder.hpp"
#include "fightback/abuse/ranking.hpp"
#include "fightback/config/scan_config.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/mail/message.hpp"
#include "fightback/pipeline/pipeline_state.hpp"
#include "fightback/report/complaints.hpp"
#include "fightback/scan/classifier.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/trace/trust.hpp"

namespace fightback::pipeline {

// vanished: the file was deleted (or moved out of the folder) by another program before it was
// read or moved; nothing more can be done with it, and it is not an error.
// too_old: a complaint was due, but the mail arrived longer ago than the report age limit
// (or at no date we can believe): filed with the unresolved mail, nobody is told.
enum class Outcome {
    clean, complained, unresolved, too_old, review, quarantined, skipped, vanished, error
};
std::string_view to_string(Outcome outcome);

struct MessageResult {
    std::filesystem::path file;
    Outcome outcome = Outcome::error;
    std::string detection;                    // what matched, when something did
    std::string detail;                       // the reason, or the error
    std::optional<std::filesystem::path> moved_to; // the new path (or where it would go)
    std::optional<std::int64_t> complaint;    // the complaint the incident joined
    bool new_complaint = false;               // that complaint was opened by this message
    bool temporary = false;                   // an error worth retrying later (nothing decided)
    bool failed_before = false;               // skipped: an earlier run recorded it as an error
    bool before_since = false;                // skipped: it arrived before PipelineOptions::since
};

// The contact search for one source address: the decision, and the registry, range and
// network name it came from (noted in the ledger for the statistics).
using ContactSearch = std::function<Expected<abuse::ContactResult>(const net::IpAddress&)>;

inline constexpr std::int64_t default_max_age = 3 * 86400;

struct PipelineOptions {
    config::FoldersConfig folders;
    trace::TrustConfig trust;
    mail::LoadLimits limits = {.max_message_bytes = 64u << 20, .max_header_fields = 10000,
                               .headers_only = true};
    bool move = true; // false for dry runs: the outcome is decided, the file stays
    // Messages an earlier run recorded as failed (outcome error) are decided again.
    bool retry_errors = false;
    // Complaints only about mail that arrived at most this long ago ([report] max_age);
    // reporting services refuse older mail, and the network has changed hands meanwhile.
    std::int64_t max_age = default_max_age;
    // A date further in the future than this is no date at all (a wrong clock, or a lie).
    std::int64_t future_skew = 3600;
    // Only mail that arrived at or after this time (seconds since the epoch) is looked at;
    // older mail is left alone and unrecorded, for a later run without the limit.
    std::optional<std::int64_t> since;
    // Milliseconds since the epoch; the system clock when empty.
    std::function<std::int64_t()> clock;
};

class Pipeline {
public:
    // `state` holds the pipeline's records, messages and incidents (an in-memory ledger for a
    // dry run); `known`, when given, is read to skip messages handled before (the real
    // ledger in a dry run); by default the same as `state`.
    Pipeline(const scan::Classifier& classifier, const ledger::Ledger& state,
             const report::Complaints& complaints, ContactSearch contacts,
             PipelineOptions options, const ledger::Ledger* known = nullptr);

    // Finishes the records a killed run left: moves made but not recorded (the file is in
    // its destination already), and moves of files someone deleted since. Files still in
    // place, renamed in their folder, or in a folder that is away are left to the listing.
    // Returns how many records were finished.
    Expected<int> finish_interrupted();

    // One message; safe to call from several threads at once. Never throws: whatever goes
    // wrong with one message is its result (outcome error, with the reason).
    MessageResult process(const std::filesystem::path& file);
    // One message of a read-only mailbox (an mbox): decided, recorded and complained about as
    // a file is, never moved. `where` names it in results and the ledger ("FILE, message N").
    MessageResult process_read_only(std::string bytes, const std::string& where);

    // Many messages on `jobs` threads; `on_result` is called one at a time. A set `stop`
    // lets the messages in hand finish and takes no more.
    std::size_t run(std::span<const std::filesystem::path> files, unsigned jobs,
                    const std::atomic<bool>* stop,
                    const std::function<void(const MessageResult&)>& on_result);

private:
    std::int64_t now_msec() const;
    std::int64_t now_s() const;
    Expected<std::filesystem::path> destination(const std::filesystem::path& file,
                                                Outcome outcome) const;
    // decide() inside the boundary that turns any failure into an error for this message
    // alone, recorded (unless worth retrying) so later runs do not stumble on it again.
    MessageResult guarded(const MessageResult& result, const mail::Message& message,
                          const std::string& label, bool movable);
    MessageResult decide(MessageResult result, const mail::Message& message,
                         const std::string& label, bool movable);
    MessageResult settle(MessageResult result, std::int64_t message, const std::string& action,
                         bool movable);
    MessageResult finish_recorded(MessageResult result, const StateRow& row);
    MessageResult process_found(const std::filesystem::path& file, int renames);
    Expected<abuse::ContactResult> contacts_for(const net::IpAddress& ip);
    // Why a complaint about mail traced as `t` is not to be made now, if it is not: it arrived
    // too long ago, or at no date we can believe.
    std::optional<std::string> too_old(const trace::Trace& t, std::int64_t now) const;

    const scan::Classifier& m_classifier;
    const ledger::Ledger& m_ledger;
    const ledger::Ledger& m_known;
    const report::Complaints& m_complaints;
    ContactSearch m_contacts;
    PipelineOptions m_options;
    PipelineState m_state;
    std::mutex m_cache_mutex;
    std::map<std::string, abuse::ContactResult> m_contact_cache; // per run, by address
};

// The folder a message file lives in: FOLDER for FOLDER/new/NAME or FOLDER/cur/NAME.
std::filesystem::path folder_of(const std::filesystem::path& file);

} // namespace fightback::pipeline
