// The `fightback` command: global options, one subcommand per job. Everything real lives in
// the fightback_core library; this only wires flags to it and maps results to exit codes.
#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "common.hpp"

int main(int argc, char** argv)
{
    using namespace fightback::app;
    CLI::App app{"fightback: trace unwanted mail to the network that sent it, and complain there"};
    app.set_version_flag("--version", std::string("fightback ") + FIGHTBACK_VERSION);
    app.require_subcommand(1);
    GlobalOptions global;
    app.add_option("--config", global.config_path,
                   "config file (default: $XDG_CONFIG_HOME/fightback/config.toml)");
    int exit_code = exit_ok;
    add_trace_command(app, global, exit_code);
    add_headers_command(app, global, exit_code);
    add_contacts_command(app, global, exit_code);
    add_update_bootstrap_command(app, global, exit_code);
    add_find_sender_domain_command(app, global, exit_code);
    add_report_command(app, global, exit_code);
    add_outbox_command(app, global, exit_code);
    add_deliver_command(app, global, exit_code);
    add_scan_command(app, global, exit_code);
    add_watch_command(app, global, exit_code);
    add_stats_command(app, global, exit_code);
    add_replies_command(app, global, exit_code);
    // Installed under the 2003 name too: `find-sender-domain ARGS` is `fightback
    // find-sender-domain ARGS`, so old cron lines run unchanged.
    std::vector<char*> args(argv, argv + argc);
    const std::string_view invoked = argc > 0 ? argv[0] : "";
    static char find_sender_domain[] = "find-sender-domain";
    if (invoked.substr(invoked.rfind('/') + 1) == find_sender_domain)
        args.insert(args.begin() + 1, find_sender_domain);
    try {
        app.parse(static_cast<int>(args.size()), args.data());
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        // A mail system reads deliver's exit code: a bad command line defers the mail (75)
        // rather than bouncing it.
        if (code != 0 && app.got_subcommand("deliver")) {
            print_error("deliver: bad command line (exit 75: the MTA will retry)");
            return exit_tempfail;
        }
        return code == 0 ? exit_ok : exit_error;
    } catch (const std::exception& e) {
        print_error(e.what());
        if (app.got_subcommand("deliver")) {
            print_error("deliver: exit 75: the MTA will retry");
            return exit_tempfail;
        }
        return exit_error;
    }
    return exit_code;
}
