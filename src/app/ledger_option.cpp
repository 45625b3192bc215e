// Where stats and replies find the ledger.
#include "ledger_option.hpp"

#include "report_setup.hpp"

namespace fightback::app {

Expected<ledger::Ledger> open_ledger_for(const GlobalOptions& global,
                                         const std::optional<std::string>& flag)
{
    std::optional<std::filesystem::path> path;
    if (flag) {
        path = *flag;
    } else {
        auto config = load_config(global);
        if (!config)
            return std::unexpected(config.error());
        path = ledger_path(*config); // [ledger] path, as scan, report and outbox use
    }
    if (!path)
        return fail(ErrorKind::invalid, "no ledger: give --ledger or set XDG_DATA_HOME or HOME");
    return ledger::Ledger::open(*path);
}

} // namespace fightback::app
