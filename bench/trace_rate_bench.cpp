// fightback_bench_trace: how many messages a second fightback reads, or loads, parses and
// traces, over a list of message files; prints one JSON object with the rate and peak memory.
// bench/trace_rate.py runs it beside SpamAssassin's parser (scripts/sa-origin.pl --bench).
//
//   fightback_bench_trace --mode read|trace [--repeat N] [--trusted-networks LIST] FILE_LIST
//
// "read" only reads each file into memory (the floor any tool pays); "trace" does what
// `fightback trace` does per message: load and split the header, parse every Received line,
// walk the trust. The file list is read before the clock starts.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/mail/message.hpp"
#include "fightback/net/network_set.hpp"
#include "fightback/trace/trace.hpp"
#include "fightback/util/file.hpp"

namespace {

struct BenchArgs {
    std::string mode;
    std::string list_path;
    std::string trusted;
    int repeat = 1;
};

int usage()
{
    std::fputs("usage: fightback_bench_trace --mode read|trace [--repeat N] "
               "[--trusted-networks LIST] FILE_LIST\n",
               stderr);
    return 2;
}

bool parse_args(int argc, char** argv, BenchArgs& args)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--mode") {
            const char* v = value();
            if (!v)
                return false;
            args.mode = v;
        } else if (arg == "--repeat") {
            const char* v = value();
            if (!v)
                return false;
            args.repeat = std::atoi(v);
        } else if (arg == "--trusted-networks") {
            const char* v = value();
            if (!v)
                return false;
            args.trusted = v;
        } else if (!arg.starts_with("-") && args.list_path.empty()) {
            args.list_path = arg;
        } else {
            return false;
        }
    }
    return (args.mode == "read" || args.mode == "trace") && !args.list_path.empty() &&
           args.repeat > 0;
}

std::vector<std::string> read_list(const std::string& path)
{
    std::vector<std::string> files;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            files.push_back(std::move(line));
    }
    return files;
}

long peak_rss_kb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss; // kilobytes on Linux
}

} // namespace

int main(int argc, char** argv)
{
    BenchArgs args;
    if (!parse_args(argc, argv, args))
        return usage();
    const auto files = read_list(args.list_path);
    if (files.empty()) {
        std::fprintf(stderr, "fightback_bench_trace: no files listed in %s\n",
                     args.list_path.c_str());
        return 2;
    }

    fightback::trace::TraceOptions options;
    if (!args.trusted.empty()) {
        auto set = fightback::net::NetworkSet::parse(args.trusted);
        if (!set) {
            std::fprintf(stderr, "fightback_bench_trace: %s\n", set.error().message.c_str());
            return 2;
        }
        options.trust.trusted = std::move(*set);
    }
    options.now = 0; // a fixed clock: the forgery date checks need not read the time
    fightback::mail::LoadLimits limits;
    limits.headers_only = true; // as `fightback trace` loads

    std::size_t messages = 0, failures = 0, with_origin = 0, hops = 0;
    std::uintmax_t bytes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < args.repeat; ++round) {
        for (const auto& path : files) {
            if (args.mode == "read") {
                // The same read fightback uses, so the ratio is the cost of parse + trace.
                auto content = fightback::read_file(path, limits.max_message_bytes);
                if (!content) {
                    ++failures;
                    continue;
                }
                bytes += content->size();
                ++messages;
                continue;
            }
            auto message = fightback::mail::Message::load_file(path, limits);
            if (!message) {
                ++failures;
                continue;
            }
            bytes += message->bytes().size();
            auto traced = fightback::trace::trace_message(*message, options);
            hops += traced.hops.size();
            if (traced.origin_ip())
                ++with_origin;
            ++messages;
        }
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    const double seconds = elapsed.count();

    std::printf("{\"tool\":\"fightback\",\"mode\":\"%s\",\"messages\":%zu,\"failures\":%zu,"
                "\"bytes\":%ju,\"hops\":%zu,\"with_origin\":%zu,\"seconds\":%.3f,"
                "\"msgs_per_sec\":%.1f,\"maxrss_kb\":%ld}\n",
                args.mode.c_str(), messages, failures, bytes, hops, with_origin, seconds,
                seconds > 0 ? static_cast<double>(messages) / seconds : 0.0, peak_rss_kb());
    return failures == 0 ? 0 : 1;
}
