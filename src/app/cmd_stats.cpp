// `fightback stats`: the figures from the ledger as a table, JSON, CSV or an HTML page.
// Read-only: the ledger is opened with SQLite's read-only flag and nothing is created (a ledger
// from an older fightback is read through an upgraded copy in memory).
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include "common.hpp"
#include "fightback/ledger/ledger.hpp"
#include "fightback/stats/stats_output.hpp"
#include "ledger_option.hpp"

namespace fightback::app {
namespace {

struct StatsArgs {
    std::optional<std::string> ledger;
    int quiet_days = 7;
    bool json = false;
    bool csv = false;
    stats::CsvTable table = stats::CsvTable::days;
    std::optional<std::string> html;
    std::optional<std::int64_t> now; // seconds since the epoch: a fixed clock for tests
};

int run_stats(const GlobalOptions& global, const StatsArgs& args)
{
    if (args.json && args.csv) {
        print_error("stats: choose one of --json and --csv");
        return exit_error;
    }
    auto ledger = open_ledger_for(global, args.ledger, LedgerAccess::read);
    if (!ledger) {
        if (ledger.error().kind == ErrorKind::not_found) {
            print_error(ledger.error().message + ": nothing recorded");
            return exit_not_found;
        }
        print_error(ledger.error().message);
        return ledger.error().kind == ErrorKind::temporary ? exit_tempfail : exit_error;
    }
    stats::StatsOptions options;
    options.quiet_days = args.quiet_days;
    options.now_ms = args.now ? *args.now * 1000
                              : std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    auto figures = stats::compute(*ledger, options);
    if (!figures) {
        print_error(figures.error().message);
        return exit_error;
    }
    if (args.html) {
        std::ofstream out(*args.html, std::ios::binary | std::ios::trunc);
        out << stats::html_page(*figures);
        out.close();
        if (!out) {
            print_error("stats: cannot write " + *args.html);
            return exit_error;
        }
    }
    if (args.json)
        std::cout << stats::to_json(*figures).dump(2, ' ', false,
                                                   nlohmann::json::error_handler_t::replace)
                  << '\n';
    else if (args.csv)
        stats::write_csv(std::cout, *figures, args.table);
    else if (!args.html)
        stats::write_table(std::cout, *figures);
    std::cout.flush();
    return std::cout ? exit_ok : exit_error;
}

} // namespace

void add_stats_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<StatsArgs>();
    auto* cmd = app.add_subcommand("stats", "counts per day, network and registry; what "
                                            "happened after each complaint; replies");
    cmd->add_option("--ledger", args->ledger, "the SQLite ledger ([ledger] path)");
    cmd->add_option("--quiet-days", args->quiet_days,
                    "a source went quiet when it sent nothing from N days after the complaint")
        ->check(CLI::Range(1, 365));
    cmd->add_flag("--json", args->json, "one JSON document (docs/stats.md)");
    cmd->add_flag("--csv", args->csv, "CSV of one table (--table)");
    const std::map<std::string, stats::CsvTable> tables{{"days", stats::CsvTable::days},
                                                        {"networks", stats::CsvTable::networks},
                                                        {"registries",
                                                         stats::CsvTable::registries},
                                                        {"sources", stats::CsvTable::sources}};
    cmd->add_option("--table", args->table, "the CSV table: days, networks, registries, sources")
        ->transform(CLI::CheckedTransformer(tables, CLI::ignore_case));
    cmd->add_option("--html", args->html, "write a self-contained HTML page to FILE");
    cmd->add_option("--now", args->now, "figures as of this time (seconds since the epoch)");
    cmd->callback([&global, &exit_code, args] { exit_code = run_stats(global, *args); });
}

} // namespace fightback::app
