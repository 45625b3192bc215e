// Opening the ledger for a command: `--ledger FILE`, else the config's [ledger] path (or the
// contacts ledger), else $XDG_DATA_HOME/fightback/ledger.sqlite; to write, to read only, or as a
// copy in memory, with the warning about a ledger other users can read printed once a run.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common.hpp"
#include "fightback/ledger/ledger.hpp"

namespace fightback::app {

enum class LedgerAccess {
    write, // a command that records: the ledger is created (private) when there is none
    read,  // stats, listings, dry runs: never creates or changes a file; not_found when none
    copy,  // a preview that records and rolls back: a copy in memory; not_found when none
};

Expected<ledger::Ledger> open_ledger(const std::filesystem::path& path, LedgerAccess access);

// The ledger of a command taking --ledger.
Expected<ledger::Ledger> open_ledger_for(const GlobalOptions& global,
                                         const std::optional<std::string>& flag,
                                         LedgerAccess access);

} // namespace fightback::app
