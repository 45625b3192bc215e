// Opening the ledger for a read-mostly command: `--ledger FILE`, else the config's contacts
// ledger, else $XDG_DATA_HOME/fightback/ledger.sqlite.
#pragma once

#include <optional>
#include <string>

#include "common.hpp"
#include "fightback/ledger/ledger.hpp"

namespace fightback::app {

Expected<ledger::Ledger> open_ledger_for(const GlobalOptions& global,
                                         const std::optional<std::string>& flag);

} // namespace fightback::app
