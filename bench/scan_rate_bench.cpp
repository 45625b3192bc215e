// fightback_bench_scan: messages a second through the scan stage (load, libclamav or clamd,
// the rules) over a Maildir, with the engine loaded once and shared by --jobs threads. The
// same path `fightback scan --dry-run` takes for its verdicts; bench/scan_rate.py runs it
// beside clamscan and clamdscan over the same folder with the same signatures.
//
//   fightback_bench_scan [--database DIR | --clamd ADDRESS] [--no-cache] [--jobs N[,N...]]
//                        [--rounds N] MAILDIR
//
// Prints one JSON object per job count: files, infected, errors, engine load seconds, scan
// wall seconds (best of --rounds), CPU seconds of that round, messages and MB a second.
// --no-cache turns off libclamav's cache of clean objects, so later rounds and job counts do
// not profit from the first.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/scan/batch.hpp"
#include "fightback/scan/engine.hpp"

using namespace fightback;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    scan::EngineSettings engine;
    std::vector<unsigned> jobs{1};
    int rounds = 1;
    std::string maildir;
};

int usage()
{
    std::fputs("usage: fightback_bench_scan [--database DIR | --clamd ADDRESS] [--no-cache] "
               "[--jobs N[,N...]] [--rounds N] MAILDIR\n",
               stderr);
    return 2;
}

bool parse(int argc, char** argv, Args& args)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--database") {
            const char* v = value();
            if (!v)
                return false;
            args.engine.database = v;
        } else if (a == "--clamd") {
            const char* v = value();
            if (!v)
                return false;
            args.engine.kind = scan::EngineKind::clamd;
            args.engine.clamd_address = v;
        } else if (a == "--no-cache") {
            args.engine.cache = false;
        } else if (a == "--jobs") {
            const char* v = value();
            if (!v)
                return false;
            args.jobs.clear();
            for (std::string_view rest = v; !rest.empty();) {
                auto comma = rest.find(',');
                args.jobs.push_back(static_cast<unsigned>(std::atoi(std::string(rest.substr(0, comma)).c_str())));
                if (args.jobs.back() == 0)
                    return false;
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            }
        } else if (a == "--rounds") {
            const char* v = value();
            if (!v || (args.rounds = std::atoi(v)) < 1)
                return false;
        } else if (!a.starts_with("--") && args.maildir.empty()) {
            args.maildir = std::string(a);
        } else {
            return false;
        }
    }
    return !args.maildir.empty();
}

// User and system time of the whole process (all threads).
double cpu_seconds()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace

int main(int argc, char** argv)
{
    Args args;
    if (!parse(argc, argv, args))
        return usage();
    auto files = mail::list_maildir(args.maildir);
    if (!files) {
        std::fprintf(stderr, "fightback_bench_scan: %s\n", files.error().message.c_str());
        return 2;
    }
    std::uint64_t bytes = 0;
    for (const auto& f : *files) {
        std::error_code ec;
        bytes += std::filesystem::file_size(f, ec);
    }
    const auto load_start = Clock::now();
    auto engine = scan::make_engine(args.engine);
    if (!engine) {
        std::fprintf(stderr, "fightback_bench_scan: %s\n", engine.error().message.c_str());
        return 2;
    }
    const double load_seconds = std::chrono::duration<double>(Clock::now() - load_start).count();
    scan::Classifier classifier(*engine, scan::Rules::defaults());

    for (unsigned jobs : args.jobs) {
        double best = 1e30, best_cpu = 0;
        std::atomic<std::size_t> infected{0}, errors{0};
        for (int round = 0; round < args.rounds; ++round) {
            infected = 0;
            errors = 0;
            scan::BatchOptions options;
            options.jobs = jobs;
            const double cpu_start = cpu_seconds();
            const auto start = Clock::now();
            scan::scan_files(classifier, *files, options,
                             [&](std::size_t, const std::filesystem::path&, Expected<scan::Verdict> v) {
                                 if (!v)
                                     ++errors;
                                 else if (v->kind == scan::VerdictKind::infected)
                                     ++infected;
                             });
            const double wall = std::chrono::duration<double>(Clock::now() - start).count();
            if (wall < best) {
                best = wall;
                best_cpu = cpu_seconds() - cpu_start;
            }
        }
        std::printf("%s\n",
                    fmt::format("{{\"engine\": \"{}\", \"jobs\": {}, \"files\": {}, \"bytes\": {}, "
                                "\"infected\": {}, \"errors\": {}, \"load_seconds\": {:.3f}, "
                                "\"scan_seconds\": {:.3f}, \"cpu_seconds\": {:.3f}, "
                                "\"messages_per_second\": {:.1f}, "
                                "\"mb_per_second\": {:.2f}}}",
                                args.engine.kind == scan::EngineKind::clamd ? "clamd" : "libclamav",
                                jobs, files->size(), bytes, infected.load(), errors.load(),
                                load_seconds, best, best_cpu, static_cast<double>(files->size()) / best,
                                static_cast<double>(bytes) / 1e6 / best)
                        .c_str());
        std::fflush(stdout);
    }
    return 0;
}
