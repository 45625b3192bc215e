// A shared atomic index hands out files; each worker loads, classifies and reports.
#include "fightback/scan/batch.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace fightback::scan {

std::size_t scan_files(const Classifier& classifier, std::span<const std::filesystem::path> files,
                       const BatchOptions& options, const BatchCallback& on_result)
{
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    auto work = [&] {
        for (;;) {
            if (options.stop && options.stop->load())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= files.size())
                return;
            auto message = mail::Message::load_file(files[i], options.limits);
            if (!message) {
                auto error = message.error();
                std::error_code ec;
                if (error.kind == ErrorKind::io && !std::filesystem::exists(files[i], ec) && !ec)
                    error.kind = ErrorKind::not_found; // vanished since it was listed
                on_result(i, files[i], std::unexpected(std::move(error)));
            }
            else
                on_result(i, files[i], classifier.classify(*message, files[i].filename().string()));
            done.fetch_add(1);
        }
    };
    const unsigned jobs = std::clamp<unsigned>(options.jobs, 1, 256);
    if (jobs == 1) {
        work();
        return done.load();
    }
    std::vector<std::jthread> workers;
    workers.reserve(jobs);
    for (unsigned j = 0; j < jobs; ++j)
        workers.emplace_back(work);
    workers.clear(); // joins
    return done.load();
}

} // namespace fightback::scan
