// Where the commands find the ledger, and how each opens it.
#include "ledger_option.hpp"

#include <mutex>
#include <set>

#include "report_setup.hpp"

namespace fightback::app {
namespace {

void warn_once(const ledger::Ledger& ledger)
{
    static std::mutex guard;
    static std::set<std::string> warned;
    const auto& warning = ledger.permission_warning();
    if (!warning)
        return;
    std::lock_guard lock(guard);
    if (warned.insert(*warning).second)
        print_error("warning: " + *warning);
}

Expected<std::filesystem::path> ledger_path_for(const GlobalOptions& global,
                                                const std::optional<std::string>& flag)
{
    if (flag)
        return std::filesystem::path(*flag);
    auto config = load_config(global);
    if (!config)
        return std::unexpected(config.error());
    if (auto path = ledger_path(*config)) // [ledger] path, as scan, report and outbox use
        return *path;
    return fail(ErrorKind::invalid, "no ledger: give --ledger or set XDG_DATA_HOME or HOME");
}

} // namespace

Expected<ledger::Ledger> open_ledger(const std::filesystem::path& path, LedgerAccess access)
{
    auto opened = access == LedgerAccess::write  ? ledger::Ledger::open(path)
                  : access == LedgerAccess::read ? ledger::Ledger::open_read_only(path)
                                                 : ledger::Ledger::open_copy(path);
    if (opened)
        warn_once(*opened);
    return opened;
}

Expected<ledger::Ledger> open_ledger_for(const GlobalOptions& global,
                                         const std::optional<std::string>& flag,
                                         LedgerAccess access)
{
    auto path = ledger_path_for(global, flag);
    if (!path)
        return std::unexpected(path.error());
    return open_ledger(*path, access);
}

} // namespace fightback::app
