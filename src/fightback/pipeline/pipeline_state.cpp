// The pipeline_state table: read and written under the ledger's mutex, one transaction each.
#include "fightback/pipeline/pipeline_state.hpp"

#include <mutex>

#include "fightback/ledger/statement.hpp"

namespace fightback::pipeline {
namespace {

using ledger::Statement;

StateRow read_row(const Statement& s)
{
    StateRow row;
    row.message = s.column_int(0);
    row.state = s.column_text(1) == "moving" ? StepState::moving : StepState::done;
    row.action = s.column_text(2);
    row.outcome = s.column_text(3);
    row.from_path = s.column_optional_text(4);
    row.destination = s.column_optional_text(5);
    row.detail = s.column_optional_text(6);
    return row;
}

Expected<void> put_row(sqlite3* db, const StateRow& row, std::int64_t now)
{
    return ledger::execute(
        db,
        "INSERT OR REPLACE INTO pipeline_state (message, state, action, outcome, from_path, "
        "destination, updated, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        [&](Statement& s) {
            s.bind(1, row.message);
            s.bind(2, row.state == StepState::moving ? "moving" : "done");
            s.bind(3, row.action);
            s.bind(4, row.outcome);
            s.bind(5, row.from_path);
            s.bind(6, row.destination);
            s.bind(7, now);
            if (row.detail)
                s.bind(8, ledger::stored_text(*row.detail, 2000));
            else
                s.bind_null(8);
        });
}

constexpr std::string_view select_columns =
    "SELECT message, state, action, outcome, from_path, destination, detail FROM pipeline_state ";

} // namespace

Expected<std::optional<StateRow>> PipelineState::get(std::int64_t message) const
{
    std::lock_guard lock(m_ledger.mutex());
    return ledger::select_one(
        m_ledger.db(), std::string(select_columns) + "WHERE message = ?1",
        [&](Statement& s) { s.bind(1, message); }, read_row);
}

Expected<void> PipelineState::put(const StateRow& row, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    return put_row(m_ledger.db(), row, now);
}

Expected<void> PipelineState::note_clean(const ledger::MessageFacts& facts,
                                         const std::string& action, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto seen = ledger::note_message_in(m_ledger.db(), facts, now);
    if (!seen)
        return std::unexpected(seen.error());
    StateRow row{seen->id, StepState::done, action, "clean", std::nullopt, std::nullopt,
                 std::nullopt};
    if (auto r = put_row(m_ledger.db(), row, now); !r)
        return r;
    return tx.commit();
}

Expected<void> PipelineState::note_failed(const ledger::MessageFacts& facts,
                                          const std::string& reason, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto seen = ledger::note_message_in(m_ledger.db(), facts, now);
    if (!seen)
        return std::unexpected(seen.error());
    StateRow row{seen->id, StepState::done, "error", "error", facts.location, std::nullopt,
                 reason};
    if (auto r = put_row(m_ledger.db(), row, now); !r)
        return r;
    return tx.commit();
}

Expected<void> PipelineState::finish_move(std::int64_t message, const std::string& from,
                                          const std::string& to, std::int64_t now) const
{
    std::lock_guard lock(m_ledger.mutex());
    ledger::Transaction tx(m_ledger.db());
    if (!tx.begun())
        return std::unexpected(tx.begun().error());
    auto moved = ledger::execute(
        m_ledger.db(), "INSERT INTO moves (message, at, from_path, to_path) VALUES (?1, ?2, ?3, ?4)",
        [&](Statement& s) {
            s.bind(1, message);
            s.bind(2, now);
            s.bind(3, from);
            s.bind(4, to);
        });
    if (!moved)
        return moved;
    auto state = ledger::execute(
        m_ledger.db(), "UPDATE pipeline_state SET state = 'done', updated = ?2 WHERE message = ?1",
        [&](Statement& s) {
            s.bind(1, message);
            s.bind(2, now);
        });
    if (!state)
        return state;
    return tx.commit();
}

Expected<std::vector<StateRow>> PipelineState::moving() const
{
    std::lock_guard lock(m_ledger.mutex());
    auto stmt = Statement::prepare(m_ledger.db(),
                                   std::string(select_columns) + "WHERE state = 'moving'");
    if (!stmt)
        return std::unexpected(stmt.error());
    std::vector<StateRow> rows;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return std::unexpected(row.error());
        if (!*row)
            break;
        rows.push_back(read_row(*stmt));
    }
    return rows;
}

Expected<std::optional<bool>> PipelineState::incident_has_complaint(std::int64_t message) const
{
    std::lock_guard lock(m_ledger.mutex());
    return ledger::select_one(
        m_ledger.db(), "SELECT complaint IS NOT NULL FROM incidents WHERE message = ?1",
        [&](Statement& s) { s.bind(1, message); },
        [](const Statement& s) { return s.column_int(0) != 0; });
}

} // namespace fightback::pipeline
