// The scan pipeline's own record per message (ledger schema step 5): which folder it was
// sent to and whether the move is finished. "moving" is written before the rename, "done"
// after it, so a run killed between the two is finished by the next one (the file is found
// either still at its old path or already in the destination) and nothing is decided twice.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fightback/ledger/ledger.hpp"
#include "fightback/ledger/message_log.hpp"

namespace fightback::pipeline {

enum class StepState { moving, done };

struct StateRow {
    std::int64_t message = 0;
    StepState state = StepState::done;
    std::string action;
    std::string outcome;
    std::optional<std::string> from_path;
    std::optional<std::string> destination;
    std::optional<std::string> detail; // why, for outcome "error"
};

class PipelineState {
public:
    explicit PipelineState(const ledger::Ledger& ledger) : m_ledger(ledger) {}

    Expected<std::optional<StateRow>> get(std::int64_t message) const;
    // Inserts or replaces the row for row.message (one transaction).
    Expected<void> put(const StateRow& row, std::int64_t now) const;
    // A clean message kept where it is: noted in the message log and done, in one transaction.
    Expected<void> note_clean(const ledger::MessageFacts& facts, const std::string& action,
                              std::int64_t now) const;
    // A message that failed for a reason a retry in the next run cannot fix: recorded as
    // outcome "error" (done, left where it is) so later runs skip it unless asked to retry.
    Expected<void> note_failed(const ledger::MessageFacts& facts, const std::string& reason,
                               std::int64_t now) const;
    // The move is made: the moves table and "done" in one transaction.
    Expected<void> finish_move(std::int64_t message, const std::string& from,
                               const std::string& to, std::int64_t now) const;
    Expected<std::vector<StateRow>> moving() const;
    // The incident recorded for `message` before, if any: whether it joined a complaint.
    Expected<std::optional<bool>> incident_has_complaint(std::int64_t message) const;

private:
    const ledger::Ledger& m_ledger;
};

} // namespace fightback::pipeline
