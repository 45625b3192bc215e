// One message through the stages, with the ledger written before each action, and a pool of
// worker threads over a list of files.
#include "fightback/pipeline/pipeline.hpp"

#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/source_networks.hpp"
#include "fightback/mail/maildir.hpp"
#include "fightback/report/incident_facts.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/trace/trace_json.hpp"

namespace fightback::pipeline {
namespace {

MessageResult failed(MessageResult r, const Error& e)
{
    r.outcome = Outcome::error;
    r.detail = e.message;
    r.temporary = e.kind == ErrorKind::temporary;
    return r;
}

std::optional<Outcome> outcome_named(std::string_view name)
{
    for (auto o : {Outcome::clean, Outcome::complained, Outcome::unresolved, Outcome::too_old,
                   Outcome::review, Outcome::quarantined})
        if (to_string(o) == name)
            return o;
    return std::nullopt;
}

std::string decision_json(const abuse::Decision& d)
{
    nlohmann::json j;
    j["to"] = d.to;
    j["cc"] = d.cc;
    j["automatic"] = d.automatic;
    j["why"] = d.why;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string age_text(std::int64_t seconds)
{
    if (seconds >= 2 * 86400)
        return fmt::format("{} days", seconds / 86400);
    if (seconds >= 2 * 3600)
        return fmt::format("{} hours", seconds / 3600);
    return fmt::format("{} minutes", seconds / 60);
}

} // namespace

std::optional<std::string> Pipeline::too_old(const trace::Trace& t, std::int64_t now) const
{
    const auto arrived = trace::arrival_time(t);
    if (!arrived)
        return "no date on the lines our servers wrote: its age is unknown, so it is not "
               "reported automatically";
    if (*arrived > now + m_options.future_skew)
        return fmt::format("dated {} in the future: its age is unknown, so it is not reported "
                           "automatically",
                           age_text(*arrived - now));
    if (now - *arrived > m_options.max_age)
        return fmt::format("arrived {} ago, more than [report] max_age ({}): too old to report",
                           age_text(now - *arrived), age_text(m_options.max_age));
    return std::nullopt;
}

std::string_view to_string(Outcome outcome)
{
    switch (outcome) {
    case Outcome::clean: return "clean";
    case Outcome::complained: return "complained";
    case Outcome::unresolved: return "unresolved";
    case Outcome::too_old: return "too-old";
    case Outcome::review: return "review";
    case Outcome::quarantined: return "quarantined";
    case Outcome::skipped: return "skipped";
    case Outcome::vanished: return "vanished";
    case Outcome::error: return "error";
    }
    return "error";
}

std::filesystem::path folder_of(const std::filesystem::path& file)
{
    return file.parent_path().parent_path();
}

Pipeline::Pipeline(const scan::Classifier& classifier, const ledger::Ledger& state,
                   const report::Complaints& complaints, ContactSearch contacts,
                   PipelineOptions options, const ledger::Ledger* known)
    : m_classifier(classifier), m_ledger(state), m_known(known ? *known : state),
      m_complaints(complaints), m_contacts(std::move(contacts)), m_options(std::move(options)),
      m_state(state)
{
}

std::int64_t Pipeline::now_msec() const
{
    if (m_options.clock)
        return m_options.clock();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t Pipeline::now_s() const
{
    return now_msec() / 1000;
}

Expected<std::filesystem::path> Pipeline::destination(const std::filesystem::path& file,
                                                      Outcome outcome) const
{
    const auto& f = m_options.folders;
    const std::string* name = nullptr;
    switch (outcome) {
    case Outcome::complained: name = &f.complained; break;
    case Outcome::unresolved:
    case Outcome::too_old: name = &f.unresolved; break;
    case Outcome::review: name = &f.review; break;
    case Outcome::quarantined: name = &f.quarantine; break;
    default: return fail(ErrorKind::invalid, "this outcome stays where it is");
    }
    return mail::resolve_folder(mail::maildir_root(folder_of(file)), *name);
}

Expected<int> Pipeline::finish_interrupted()
{
    auto rows = m_state.moving();
    if (!rows)
        return std::unexpected(rows.error());
    int finished = 0;
    std::error_code ec;
    for (const auto& row : *rows) {
        if (!row.from_path || !row.destination)
            continue;
        const std::filesystem::path from(*row.from_path);
        if (std::filesystem::exists(from, ec))
            continue; // still to move: the listing finds it
        auto landed =
            std::filesystem::path(*row.destination) / from.parent_path().filename() / from.filename();
        if (!std::filesystem::exists(landed, ec)) {
            if (mail::find_renamed(from))
                continue; // renamed in its folder by a mail reader: the listing finds it
            if (auto there = mail::find_renamed(landed)) {
                landed = *there; // moved, then renamed there
            } else {
                // Deleted by someone else: nothing left to move. Said only while its folder
                // is there to say so (not when the folder is away, e.g. unmounted).
                if (!mail::is_maildir(folder_of(from)))
                    continue;
                StateRow gone = row;
                gone.state = StepState::done;
                if (auto r = m_state.put(gone, now_s()); !r)
                    return std::unexpected(r.error());
                ++finished;
                continue;
            }
        }
        if (auto r = m_state.finish_move(row.message, from.string(), landed.string(), now_s());
            !r)
            return std::unexpected(r.error());
        ++finished;
    }
    return finished;
}

MessageResult Pipeline::settle(MessageResult result, std::int64_t message,
                               const std::string& action, bool movable)
{
    if (!movable) {
        // A read-only mailbox (mbox): decided and recorded; the message stays where it is.
        StateRow row{message, StepState::done, action, std::string(to_string(result.outcome)),
                     std::nullopt, std::nullopt, std::nullopt};
        if (auto r = m_state.put(row, now_s()); !r)
            return failed(std::move(result), r.error());
        result.detail += " (read-only mailbox: left in place)";
        return result;
    }
    auto dest = destination(result.file, result.outcome);
    if (!dest)
        return failed(std::move(result), dest.error());
    StateRow row{message, StepState::moving, action, std::string(to_string(result.outcome)),
                 result.file.string(), dest->string(), std::nullopt};
    if (auto r = m_state.put(row, now_s()); !r)
        return failed(std::move(result), r.error());
    return finish_recorded(std::move(result), row);
}

MessageResult Pipeline::finish_recorded(MessageResult result, const StateRow& row)
{
    const std::filesystem::path dest(*row.destination);
    // Where the file lands (or would): the same subdirectory and name in `dest`.
    auto landed = [&dest](const std::filesystem::path& file) {
        return dest / file.parent_path().filename() / file.filename();
    };
    if (!m_options.move) {
        result.moved_to = landed(result.file);
        return result;
    }
    if (auto made = mail::ensure_maildir(dest); !made)
        return failed(std::move(result), made.error());
    auto moved = mail::move_message(result.file, dest);
    std::error_code ec;
    // Not there: moved by an earlier run that stopped before recording it, or renamed by a
    // mail reader (new/ to cur/, flags) while we worked, which we follow.
    for (int renames = 0; !moved && moved.error().kind == ErrorKind::not_found &&
                          !std::filesystem::exists(landed(result.file), ec) && renames < 3;
         ++renames) {
        auto now_at = mail::find_renamed(result.file);
        if (!now_at || *now_at == result.file)
            break;
        result.file = *now_at;
        moved = mail::move_message(result.file, dest);
    }
    std::filesystem::path to;
    if (moved) {
        to = moved->destination;
    } else if (moved.error().kind != ErrorKind::not_found) {
        return failed(std::move(result), moved.error());
    } else if (std::filesystem::exists(landed(result.file), ec)) {
        to = landed(result.file);
    } else {
        // Deleted by another program after it was read: what was decided stands (the
        // incident is recorded); there is nothing left to move.
        StateRow gone = row;
        gone.state = StepState::done;
        if (auto r = m_state.put(gone, now_s()); !r)
            return failed(std::move(result), r.error());
        result.detail = fmt::format("deleted by another program before it could be moved ({}: {})",
                                    row.outcome, result.detail);
        result.outcome = Outcome::vanished;
        return result;
    }
    if (auto r = m_state.finish_move(row.message, result.file.string(), to.string(), now_s());
        !r)
        return failed(std::move(result), r.error());
    result.moved_to = to;
    return result;
}

Expected<abuse::ContactResult> Pipeline::contacts_for(const net::IpAddress& ip)
{
    const auto key = ip.to_string();
    {
        std::lock_guard lock(m_cache_mutex);
        if (auto it = m_contact_cache.find(key); it != m_contact_cache.end())
            return it->second;
    }
    auto found = m_contacts ? m_contacts(ip) : fail(ErrorKind::not_found, "no contact search");
    if (!found) {
        if (found.error().kind == ErrorKind::temporary)
            return found;
        abuse::ContactResult none; // a definite "nobody": recorded as no-contact
        none.ip = ip;
        none.decision.why = found.error().message;
        found = std::move(none);
    } else if (!found->registry.empty()) {
        // Once per source and run: the network the registry named, for the statistics.
        const auto range = found->range ? found->range->to_string() : std::string();
        if (auto r = ledger::note_source_network(
                m_ledger, {key, range, found->network_name, found->registry}, now_msec());
            !r)
            return std::unexpected(r.error());
    }
    std::lock_guard lock(m_cache_mutex);
    m_contact_cache.emplace(key, *found);
    return found;
}

MessageResult Pipeline::process(const std::filesystem::path& file)
{
    return process_found(file, 0);
}

MessageResult Pipeline::process_found(const std::filesystem::path& file, int renames)
{
    MessageResult result;
    result.file = file;
    auto message = mail::Message::load_file(file, m_options.limits);
    if (!message) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec) && !ec) {
            // Renamed by a mail reader (new/ to cur/, flags): the same message, elsewhere.
            if (auto now_at = mail::find_renamed(file); now_at && *now_at != file && renames < 3)
                return process_found(*now_at, renames + 1);
            result.outcome = Outcome::vanished;
            result.detail = "deleted or moved out of the folder by another program before it "
                            "was read";
            return result;
        }
        auto e = message.error();
        e.message = fmt::format("{}: {}", file.string(), e.message);
        return failed(std::move(result), e);
    }
    return guarded(result, *message, file.filename().string(), true);
}

MessageResult Pipeline::process_read_only(std::string bytes, const std::string& where)
{
    MessageResult result;
    result.file = where;
    auto message = mail::Message::from_bytes(std::move(bytes), m_options.limits);
    if (!message)
        return failed(std::move(result),
                      Error{message.error().kind,
                            fmt::format("{}: {}", where, message.error().message)});
    return guarded(result, *message, where, false);
}

MessageResult Pipeline::guarded(const MessageResult& start, const mail::Message& message,
                                const std::string& label, bool movable)
{
    MessageResult result;
    try {
        result = decide(start, message, label, movable);
    } catch (const std::exception& e) {
        result = failed(start, Error{ErrorKind::invalid,
                                     fmt::format("{}: internal error: {}", start.file.string(),
                                                 e.what())});
    } catch (...) {
        result = failed(start, Error{ErrorKind::invalid,
                                     fmt::format("{}: internal error", start.file.string())});
    }
    if (result.outcome != Outcome::error || result.temporary)
        return result;
    // Recorded by its bytes, so the next run skips it instead of failing on it again.
    try {
        const ledger::MessageFacts facts{ledger::content_hash(message.bytes()),
                                         message.header("Message-ID"), message.bytes().size(),
                                         result.file.string()};
        if (auto r = m_state.note_failed(facts, result.detail, now_s()); !r)
            result.detail += fmt::format(" (not recorded: {})", r.error().message);
    } catch (const std::exception& e) {
        result.detail += fmt::format(" (not recorded: {})", e.what());
    }
    return result;
}

MessageResult Pipeline::decide(MessageResult result, const mail::Message& message,
                               const std::string& label, bool movable)
{
    const auto& file = result.file;
    const auto hash = ledger::content_hash(message.bytes());
    const ledger::MessageLog log(m_ledger);

    if (m_options.since) {
        if (auto arrived = trace::newest_received_date(message); arrived && *arrived < *m_options.since) {
            result.outcome = Outcome::skipped;
            result.before_since = true;
            result.detail = "arrived before --since";
            return result;
        }
    }

    // Seen before: finished (skip), or decided and not yet moved (move it now).
    if (auto seen = ledger::MessageLog(m_known).find(hash); !seen) {
        return failed(std::move(result), seen.error());
    } else if (*seen) {
        auto row = PipelineState(m_known).get(**seen);
        if (!row)
            return failed(std::move(result), row.error());
        const bool retry = *row && (*row)->outcome == to_string(Outcome::error) &&
                           m_options.retry_errors;
        if (*row && ((*row)->state == StepState::done || !movable) && !retry) {
            result.outcome = Outcome::skipped;
            result.failed_before = (*row)->outcome == to_string(Outcome::error);
            result.detail =
                result.failed_before
                    ? fmt::format("failed before ({}); --retry-errors tries again",
                                  (*row)->detail.value_or("no reason recorded"))
                    : fmt::format("handled before ({})", (*row)->outcome);
            return result;
        }
        if (*row && (*row)->destination && &m_known == &m_ledger && movable) {
            result.outcome = outcome_named((*row)->outcome).value_or(Outcome::quarantined);
            result.detail = "finishing the move an earlier run began";
            return finish_recorded(std::move(result), **row);
        }
    }

    auto verdict = m_classifier.classify(message, label);
    if (!verdict)
        return failed(std::move(result), Error{verdict.error().kind,
                                               fmt::format("{}: {}", file.string(),
                                                           verdict.error().message)});
    result.detection = verdict->name;
    result.detail = verdict->reason;
    const std::int64_t now = now_s();
    const ledger::MessageFacts facts{hash, message.header("Message-ID"), message.bytes().size(),
                                     file.string()};
    const std::string action(scan::to_string(verdict->action));
    if (verdict->kind == scan::VerdictKind::clean && verdict->action == scan::Action::keep) {
        // Most mail: seen and done in one commit.
        if (auto r = m_state.note_clean(facts, action, now); !r)
            return failed(std::move(result), r.error());
        result.outcome = Outcome::clean;
        return result;
    }
    auto seen = log.note_message(facts, now);
    if (!seen)
        return failed(std::move(result), seen.error());
    if (verdict->kind != scan::VerdictKind::clean) {
        const char* engine = verdict->kind == scan::VerdictKind::spam ? "headers" : "scanner";
        if (auto r = log.note_verdict(seen->id, engine, verdict->name, action, now); !r)
            return failed(std::move(result), r.error());
    }

    switch (verdict->action) {
    case scan::Action::keep: {
        result.outcome = Outcome::clean;
        StateRow row{seen->id, StepState::done, action, "clean", std::nullopt, std::nullopt,
                 std::nullopt};
        if (auto r = m_state.put(row, now); !r)
            return failed(std::move(result), r.error());
        return result;
    }
    case scan::Action::review:
        result.outcome = Outcome::review;
        return settle(std::move(result), seen->id, action, movable);
    case scan::Action::quarantine:
        result.outcome = Outcome::quarantined;
        return settle(std::move(result), seen->id, action, movable);
    case scan::Action::complain:
        break;
    }

    // complain: trace, contacts, incident.
    auto t = trace::trace_message(message, trace::TraceOptions{m_options.trust, now});
    const auto origin = t.origin_ip();
    if (auto r = log.note_trace(seen->id, origin, trace::to_json(t), now); !r)
        return failed(std::move(result), r.error());
    if (!origin || !t.origin_routable) {
        result.outcome = Outcome::unresolved;
        result.detail = origin ? fmt::format("the origin {} is not routable", origin->to_string())
                               : std::string("the trace names no origin");
        return settle(std::move(result), seen->id, action, movable);
    }
    if (auto age = too_old(t, now)) {
        result.outcome = Outcome::too_old;
        result.detail = fmt::format("{} from {}: {}", verdict->name, origin->to_string(), *age);
        return settle(std::move(result), seen->id, action, movable);
    }
    auto contacts = contacts_for(*origin);
    if (!contacts)
        return failed(std::move(result), contacts.error());
    const abuse::Decision& decision = contacts->decision;
    if (auto r = log.note_contacts(seen->id, decision.automatic, decision_json(decision), now);
        !r)
        return failed(std::move(result), r.error());
    const auto type = verdict->kind == scan::VerdictKind::spam ? report::FeedbackType::abuse
                                                                : report::FeedbackType::virus;
    auto incident = report::make_incident(message, t, decision, type, verdict->name, now);
    incident.location = file.string();
    auto outcome = m_complaints.record(incident, now_msec());
    if (!outcome)
        return failed(std::move(result), outcome.error());
    using report::Disposition;
    switch (outcome->disposition) {
    case Disposition::opened:
    case Disposition::joined:
    case Disposition::late:
        result.outcome = Outcome::complained;
        result.complaint = outcome->complaint;
        result.new_complaint = outcome->disposition == Disposition::opened;
        break;
    case Disposition::duplicate: {
        auto had = m_state.incident_has_complaint(seen->id);
        if (!had)
            return failed(std::move(result), had.error());
        result.outcome = *had && **had ? Outcome::complained : Outcome::unresolved;
        break;
    }
    case Disposition::suppressed:
    case Disposition::no_contact:
        result.outcome = Outcome::unresolved;
        break;
    }
    result.detail = fmt::format("{} from {}: {}", verdict->name, origin->to_string(),
                                outcome->reason.empty() ? decision.why : outcome->reason);
    return settle(std::move(result), seen->id, action, movable);
}

std::size_t Pipeline::run(std::span<const std::filesystem::path> files, unsigned jobs,
                          const std::atomic<bool>* stop,
                          const std::function<void(const MessageResult&)>& on_result)
{
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex report_mutex;
    auto work = [&] {
        for (;;) {
            if (stop && stop->load())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= files.size())
                return;
            auto r = process(files[i]);
            done.fetch_add(1);
            std::lock_guard lock(report_mutex);
            on_result(r);
        }
    };
    jobs = std::clamp<unsigned>(jobs, 1, 64);
    if (jobs == 1) {
        work();
        return done.load();
    }
    std::vector<std::jthread> workers;
    for (unsigned j = 0; j < jobs; ++j)
        workers.emplace_back(work);
    workers.clear();
    return done.load();
}

} // namespace fightback::pipeline
