// Reports benchmark: 10,000 incidents (worm copies) from 500 sources on 100 networks (five
// sources per abuse desk), recorded one by one in an on-disk ledger as the scan pipeline does
// (one transaction each), then one outbox flush that composes every complaint and hands it to
// a transport. Reports incidents recorded per second, complaints composed and queued per
// second, and how many complaints leave (target: one per source and recipient per day, 500).
// The transport accepts everything instantly unless --smtp-url points at a real server.
//
// --batch N records N incidents per transaction (the default, 1, is one commit each);
// --synchronous normal|full sets SQLite's PRAGMA synchronous on the ledger (default: as the
// ledger opens it, FULL: every commit reaches the disk).
//
// Usage: fightback_bench_reports [--incidents N] [--sources N] [--message-bytes N] [--batch N]
//                                [--synchronous normal|full] [--dir DIR] [--smtp-url URL]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fightback/ledger/ledger.hpp"
#include "fightback/ledger/statement.hpp"
#include "fightback/report/complaints.hpp"
#include "fightback/send/outbox.hpp"
#include "fightback/send/smtp_transport.hpp"

namespace {

using namespace fightback;
using Clock = std::chrono::steady_clock;

// Takes every report, as a server answering 250 at once would.
class AcceptingTransport : public send::Transport {
public:
    std::size_t bytes = 0;
    int count = 0;
    send::DeliveryResult deliver(const send::Envelope&, std::string_view message,
                                 const send::HandedHook& handed) override
    {
        handed();
        bytes += message.size();
        ++count;
        return {send::DeliveryStatus::sent, 250, "ok", true};
    }
    std::string describe() const override { return "accept://"; }
};

std::string worm_copy(int n, const std::string& ip, std::size_t size)
{
    std::string m = fmt::format(
        "Return-Path: <w{}@dsl.isp.example>\n"
        "Received: from mx1.ours.example (mx1.ours.example [10.1.0.25])\n"
        "\tby mail.ours.example (Postfix) with ESMTP id {:X}\n"
        "\tfor <alice@ours.example>; Thu,  2 Oct 2003 10:00:05 +0200 (CEST)\n"
        "Received: from dsl.isp.example (dsl.isp.example [{}])\n"
        "\tby mx1.ours.example (Postfix) with SMTP id {:X}\n"
        "\tfor <alice@ours.example>; Thu,  2 Oct 2003 10:00:03 +0200 (CEST)\n"
        "From: \"Microsoft Corporation Security Center\" <rqfolgo@msdn.example>\n"
        "Subject: Current Net Patch\nMessage-ID: <worm-{}@dsl.isp.example>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain\n\n",
        n, n * 7919, ip, n * 104729, n);
    while (m.size() < size)
        m += "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
    return m;
}

double seconds(Clock::duration d)
{
    return std::chrono::duration<double>(d).count();
}

} // namespace

int main(int argc, char** argv)
{
    int incidents = 10'000;
    int sources = 500;
    std::size_t message_bytes = 4096;
    std::filesystem::path dir;
    std::string smtp_url;
    std::string synchronous;
    std::size_t batch = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view flag = argv[i];
        if (flag == "--incidents")
            incidents = std::atoi(argv[i + 1]);
        else if (flag == "--sources")
            sources = std::atoi(argv[i + 1]);
        else if (flag == "--message-bytes")
            message_bytes = static_cast<std::size_t>(std::atol(argv[i + 1]));
        else if (flag == "--dir")
            dir = argv[i + 1];
        else if (flag == "--smtp-url")
            smtp_url = argv[i + 1];
        else if (flag == "--batch")
            batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
        else if (flag == "--synchronous")
            synchronous = argv[i + 1];
    }
    if (incidents <= 0 || sources <= 0 || sources > 65'000) {
        std::fprintf(stderr, "bad arguments\n");
        return 2;
    }
    const bool own_dir = dir.empty();
    if (own_dir)
        dir = std::filesystem::temp_directory_path() /
              fmt::format("fightback-bench-reports-{}", ::getpid());
    std::filesystem::create_directories(dir);
    const auto path = dir / "ledger.sqlite";
    std::filesystem::remove(path);
    auto ledger = ledger::Ledger::open(path);
    if (!ledger) {
        std::fprintf(stderr, "%s\n", ledger.error().message.c_str());
        return 1;
    }

    if (!synchronous.empty() && synchronous != "normal" && synchronous != "full") {
        std::fprintf(stderr, "--synchronous: normal or full\n");
        return 2;
    }
    if (!synchronous.empty())
        (void)ledger->exec("PRAGMA synchronous=" + synchronous);

    report::ComposeOptions compose;
    compose.identity.address = "reports@reports.example";
    compose.identity.reply_to = compose.identity.address;
    compose.identity.reporting_mta = "mx1.ours.example";
    report::Complaints complaints(*ledger, report::Restraint{}, compose);

    // The incidents in a shuffled order, so copies from one source arrive spread out.
    std::vector<int> order(static_cast<std::size_t>(incidents));
    for (int i = 0; i < incidents; ++i)
        order[static_cast<std::size_t>(i)] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(42));
    std::vector<std::string> messages;
    messages.reserve(order.size());
    for (int n : order) {
        const int source = n % sources;
        messages.push_back(worm_copy(n, fmt::format("198.51.{}.{}", source / 250, source % 250 + 1),
                                     message_bytes));
    }

    const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    auto start = Clock::now();
    int opened = 0;
    std::vector<report::IncidentInput> pending;
    auto record = [&]() -> bool {
        auto r = complaints.record_all(pending, now_ms);
        if (!r) {
            std::fprintf(stderr, "record: %s\n", r.error().message.c_str());
            return false;
        }
        for (const auto& o : *r)
            opened += o.disposition == report::Disposition::opened;
        pending.clear();
        return true;
    };
    for (std::size_t i = 0; i < order.size(); ++i) {
        const int n = order[i];
        const int source = n % sources;
        report::IncidentInput in;
        in.source = *net::IpAddress::parse(
            fmt::format("198.51.{}.{}", source / 250, source % 250 + 1));
        in.to = fmt::format("abuse@net{}.example", source % 100); // five sources per desk
        in.automatic = true;
        in.type = report::FeedbackType::virus;
        in.detection = "Worm.Swen";
        in.arrival = 1065081603 + n;
        in.original_id = fmt::format("<worm-{}@dsl.isp.example>", n);
        in.message = messages[i];
        pending.push_back(std::move(in));
        if (pending.size() == batch && !record())
            return 1;
    }
    if (!pending.empty() && !record())
        return 1;
    const auto recorded = Clock::now() - start;

    AcceptingTransport accepting;
    std::unique_ptr<send::Transport> smtp;
    send::Transport* transport = &accepting;
    if (!smtp_url.empty()) {
        send::SmtpOptions o;
        o.url = smtp_url;
        o.starttls = send::StartTls::off;
        auto t = send::SmtpTransport::create(o);
        if (!t) {
            std::fprintf(stderr, "%s\n", t.error().message.c_str());
            return 1;
        }
        smtp = std::move(*t);
        transport = smtp.get();
    }
    send::OutboxOptions options;
    options.envelope_from = compose.identity.address;
    options.lock_file = dir / "ledger.sqlite.outbox-lock";
    send::Outbox outbox(*ledger, complaints, transport, options);
    start = Clock::now();
    auto summary = outbox.flush();
    const auto flushed = Clock::now() - start;
    if (!summary) {
        std::fprintf(stderr, "flush: %s\n", summary.error().message.c_str());
        return 1;
    }

    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    std::printf("incidents                      %d from %d sources (%zu-byte messages)\n",
                incidents, sources, message_bytes);
    std::printf("recorded                       %.2f s, %.0f incidents/s (%zu per transaction, "
                "synchronous %s)\n",
                seconds(recorded), incidents / seconds(recorded), batch,
                synchronous.empty() ? "as opened" : synchronous.c_str());
    std::printf("complaints opened              %d\n", opened);
    std::printf("flush (compose + send + record) %.2f s, %.0f complaints/s\n", seconds(flushed),
                summary->sent / seconds(flushed));
    std::printf("complaints that left           %d (sent), %d deferred, %d waiting, %d failed\n",
                summary->sent, summary->deferred, summary->waiting, summary->failed);
    std::printf("end to end                     %.0f complaints composed and queued per second\n",
                summary->sent / seconds(recorded + flushed));
    std::printf("ledger size                    %.1f MB\n", static_cast<double>(size) / 1e6);
    if (own_dir)
        std::filesystem::remove_all(dir);
    return summary->sent == sources ? 0 : 1;
}
