// `fightback headers`: the header block as received, to paste into a complaint (the 2003
// `get-headers`), or only the Received lines.
#include <cstdio>

#include "common.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

struct HeadersArgs {
    std::string input = "-";
    bool received_only = false;
};

int run_headers(const HeadersArgs& args)
{
    auto inputs = expand_inputs({args.input});
    if (!inputs) {
        print_error(inputs.error().message);
        return exit_error;
    }
    mail::LoadLimits limits;
    limits.headers_only = true;
    int status = exit_ok;
    for (const auto& input : *inputs) {
        auto msg = load_input(input, limits);
        if (!msg) {
            print_error(input.name + ": " + msg.error().message);
            status = exit_error;
            continue;
        }
        if (!args.received_only) {
            // As received, byte for byte: this is evidence.
            auto block = msg->header_block();
            std::fwrite(block.data(), 1, block.size(), stdout);
            continue;
        }
        for (const auto* field : msg->fields("Received"))
            std::printf("Received: %s\n", field->raw.c_str());
    }
    return status;
}

} // namespace

void add_headers_command(CLI::App& app, const GlobalOptions&, int& exit_code)
{
    auto args = std::make_shared<HeadersArgs>();
    auto* cmd = app.add_subcommand("headers", "print the header block as received (get-headers)");
    cmd->add_option("input", args->input, "message file, Maildir folder, or - (default: stdin)");
    cmd->add_flag("--received", args->received_only, "only the Received lines");
    cmd->callback([&exit_code, args] { exit_code = run_headers(*args); });
}

} // namespace fightback::app
