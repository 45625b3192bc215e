// `fightback trace`: the hops top-down, which are believed and why, the origin, the warnings.
#include <cstdio>

#include <fmt/format.h>

#include "common.hpp"
#include "fightback/trace/trace_json.hpp"
#include "fightback/util/text.hpp"

namespace fightback::app {
namespace {

struct TraceArgs {
    std::vector<std::string> inputs;
    bool json = false;
    TrustFlags trust;
};

std::string hop_summary(const trace::Hop& h)
{
    std::string out = h.ip ? h.ip->to_string() : h.ip_text ? h.ip_text->str() : "-";
    if (h.rdns)
        out += fmt::format(" rdns={}", *h.rdns);
    if (h.helo)
        out += fmt::format(" helo={}", *h.helo);
    if (h.by)
        out += fmt::format(" by={}", *h.by);
    if (h.protocol)
        out += fmt::format(" with={}", *h.protocol);
    if (h.auth)
        out += fmt::format(" auth={}", *h.auth);
    return printable(out);
}

void print_text(const std::string& name, bool several, const trace::Trace& t,
                const mail::Message& msg)
{
    if (several)
        std::printf("== %s\n", printable(name).c_str());
    for (std::size_t i = 0; i < t.hops.size(); ++i) {
        const auto& v = t.walk.verdicts[i];
        const char* mark = !v.considered ? "skipped"
                           : v.trusted   ? "trusted"
                                         : "untrusted";
        std::printf("%2zu %-9s %s\n   %s\n", i, mark, hop_summary(t.hops[i]).c_str(),
                    printable(v.reason).c_str());
    }
    if (auto ip = t.origin_ip())
        std::printf("origin: %s (hop %zu)%s\n", ip->to_string().c_str(), *t.walk.origin,
                    t.origin_routable ? "" : " - not routable");
    else
        std::printf("origin: none found\n");
    for (const auto& w : msg.warnings())
        std::printf("warning: %s\n", printable(w).c_str());
    for (const auto& w : t.walk.warnings) {
        if (w.hop)
            std::printf("warning: hop %zu: %s\n", *w.hop, printable(w.text).c_str());
        else
            std::printf("warning: %s\n", printable(w.text).c_str());
    }
}

int run_trace(const GlobalOptions& global, const TraceArgs& args)
{
    auto config = load_config(global);
    if (!config) {
        print_error(config.error().message);
        return exit_error;
    }
    if (auto applied = args.trust.apply(config->trust); !applied) {
        print_error(applied.error().message);
        return exit_error;
    }
    auto inputs = expand_inputs(args.inputs);
    if (!inputs) {
        print_error(inputs.error().message);
        return exit_error;
    }
    mail::LoadLimits limits;
    limits.headers_only = true;
    trace::TraceOptions options{config->trust, std::nullopt};
    bool any_error = false, any_missing = false;
    const bool several = inputs->size() > 1;
    for (const auto& input : *inputs) {
        auto msg = load_input(input, limits);
        if (!msg) {
            any_error = true;
            if (args.json) {
                std::string line;
                JsonWriter(line)
                    .begin_object()
                    .field("file", input.name)
                    .field("error", msg.error().message)
                    .end_object();
                std::printf("%s\n", line.c_str());
            }
            print_error(fmt::format("{}: {}", input.name, msg.error().message));
            continue;
        }
        auto t = trace::trace_message(*msg, options);
        if (!t.origin_ip())
            any_missing = true;
        if (args.json) {
            trace::TraceJsonExtras extras;
            if (several || !input.is_stdin)
                extras.file = input.name;
            extras.message_warnings = msg->warnings();
            auto line = trace::to_json(t, extras);
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), stdout);
        } else {
            print_text(input.name, several, t, *msg);
        }
    }
    std::fflush(stdout);
    return any_error ? exit_error : any_missing ? exit_not_found : exit_ok;
}

} // namespace

void add_trace_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<TraceArgs>();
    auto* cmd = app.add_subcommand(
        "trace", "show the Received chain, which hops are trusted and why, and the origin");
    cmd->add_option("input", args->inputs, "message files, Maildir folders, or - (default: stdin)");
    cmd->add_flag("--json", args->json, "one JSON object per message (JSON Lines)");
    args->trust.add_to(*cmd);
    cmd->callback([&global, &exit_code, args] { exit_code = run_trace(global, *args); });
}

} // namespace fightback::app
