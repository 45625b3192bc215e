// The pipeline's own records, one message at a time with the project's signatures: what a
// killed run left is finished (moved and recorded, renamed, deleted, or its folder away),
// files renamed or deleted under it are followed or noted, and nothing is decided twice. The
// contact search is a function returning a fixed answer here; the real one (RDAP, WHOIS,
// DNS on loopback) is driven by tests/integration/pipeline/test_pipeline.py.
#include <fstream>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/statement.hpp"
#include "fightback/mail/maildir.hpp"
#include "fightback/pipeline/pipeline.hpp"
#include "fightback/scan/clamav_engine.hpp"
#include "../scan/paths.hpp"
#include "support/sample_mail.hpp"
#include "support/temp_dir.hpp"

namespace fightback::pipeline {
namespace {

namespace samples = fightback::test_mail;

std::shared_ptr<const scan::Engine> engine()
{
    static std::shared_ptr<const scan::Engine> shared = [] {
        scan::EngineSettings settings;
        settings.database = test_scan::test_database();
        auto loaded = scan::ClamavEngine::load(settings);
        return loaded ? std::shared_ptr<const scan::Engine>(std::move(*loaded)) : nullptr;
    }();
    return shared;
}

// A worm copy that differs from the others by its subject (so by its bytes).
std::string worm(int n)
{
    auto text = samples::worm_message();
    const auto at = text.find("Subject: Current Net Patch");
    return text.replace(at, 26, "Subject: Current Net Patch " + std::to_string(n));
}

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(engine());
        auto l = ledger::Ledger::open(dir / "ledger.sqlite");
        ASSERT_TRUE(l) << l.error().message;
        m_ledger.emplace(std::move(*l));
        report::ComposeOptions compose;
        compose.identity.address = "reports@reports.example";
        m_complaints.emplace(*m_ledger, report::Restraint{}, compose);
        m_classifier.emplace(engine(), scan::Rules::defaults());
        root = dir / "Maildir";
        ASSERT_TRUE(mail::ensure_maildir(root));
    }

    // The sample mail arrived on 2003-09-23 at 10:00 UTC; the tests' clock is an hour later
    // unless a test sets its own.
    static constexpr std::int64_t arrived = 1064311200;

    Pipeline pipeline(PipelineOptions options = {})
    {
        options.trust.assume_routable = *net::NetworkSet::parse("192.0.2.0/24");
        if (!options.clock)
            options.clock = [] { return (arrived + 3600) * 1000; };
        ContactSearch search = [this](const net::IpAddress& ip) -> Expected<abuse::ContactResult> {
            ++searches;
            if (ip.to_string() == "192.0.2.66")
                throw std::runtime_error("a defect met by this message only");
            abuse::ContactResult r;
            r.ip = ip;
            r.registry = "rdap.arin.net";
            r.network_name = "ISP-ONE";
            r.decision.to = {"abuse@isp-one.example"};
            r.decision.automatic = true;
            return r;
        };
        return Pipeline(*m_classifier, *m_ledger, *m_complaints, std::move(search), options);
    }

    std::filesystem::path put(const std::string& text, const std::string& name)
    {
        const auto path = root / "new" / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    void failure_stays_with_its_message(unsigned jobs);

    std::int64_t count(const char* sql)
    {
        auto s = ledger::Statement::prepare(m_ledger->db(), sql);
        EXPECT_TRUE(s);
        auto row = s->step();
        EXPECT_TRUE(row && *row);
        return s->column_int(0);
    }

    test_support::TempDir dir;
    std::filesystem::path root;
    std::optional<ledger::Ledger> m_ledger;
    std::optional<report::Complaints> m_complaints;
    std::optional<scan::Classifier> m_classifier;
    int searches = 0;
};

TEST_F(PipelineTest, WormIsComplainedAboutMovedAndNeverDecidedTwice)
{
    auto p = pipeline();
    const auto file = put(worm(1), "1700000001.M1P1.test");
    auto r = p.process(file);
    EXPECT_EQ(r.outcome, Outcome::complained) << r.detail;
    ASSERT_TRUE(r.moved_to);
    EXPECT_EQ(*r.moved_to, root / ".Complained" / "new" / "1700000001.M1P1.test");
    EXPECT_TRUE(r.new_complaint);
    // The network the contact search named, for the statistics.
    EXPECT_EQ(count("SELECT COUNT(*) FROM source_networks WHERE name = 'ISP-ONE'"), 1);
    // The same bytes back in the inbox (a user moved the copy back): known, left alone.
    const auto again = put(worm(1), "1700000002.M2P1.test");
    auto second = p.process(again);
    EXPECT_EQ(second.outcome, Outcome::skipped);
    EXPECT_TRUE(std::filesystem::exists(again));
    EXPECT_EQ(count("SELECT COUNT(*) FROM incidents"), 1);
    // A second copy joins the complaint; the source was looked up once in this run.
    EXPECT_EQ(p.process(put(worm(2), "1700000003.M3P1.test")).outcome, Outcome::complained);
    EXPECT_EQ(searches, 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM complaints"), 1);
}

TEST_F(PipelineTest, RenamedByAMailReaderIsFollowedAndDeletedIsVanished)
{
    auto p = pipeline();
    const auto listed = root / "new" / "1700000001.M1P1.test";
    std::filesystem::path now_at = root / "cur" / "1700000001.M1P1.test:2,S";
    std::ofstream(now_at, std::ios::binary) << worm(1);
    auto r = p.process(listed); // the listing saw it in new/; the reader moved it to cur/
    EXPECT_EQ(r.outcome, Outcome::complained) << r.detail;
    EXPECT_EQ(r.file, now_at);
    EXPECT_TRUE(std::filesystem::exists(root / ".Complained" / "cur" / "1700000001.M1P1.test:2,S"));

    auto gone = p.process(root / "new" / "1700000009.M9P1.test");
    EXPECT_EQ(gone.outcome, Outcome::vanished);
    EXPECT_FALSE(gone.temporary);
}

TEST_F(PipelineTest, WhatAKilledRunLeftIsFinished)
{
    auto p = pipeline();
    PipelineState state(*m_ledger);
    ledger::MessageLog log(*m_ledger);
    auto note = [&](int n, const std::filesystem::path& from) {
        auto seen = log.note_message({ledger::content_hash(worm(n)), "<x>", 1, from.string()}, 1);
        EXPECT_TRUE(seen);
        StateRow row{seen->id, StepState::moving, "complain", "complained", from.string(),
                     (root / ".Complained").string(), std::nullopt};
        EXPECT_TRUE(state.put(row, 1));
        return seen->id;
    };
    ASSERT_TRUE(mail::ensure_maildir(root / ".Complained"));
    // 1: moved, not recorded. 2: deleted by the user. 3: still in place (the listing takes
    // it). 4: its whole folder is away (an unmounted disk): left for later.
    const auto moved = note(1, root / "new" / "a");
    std::ofstream(root / ".Complained" / "new" / "a") << worm(1);
    const auto deleted = note(2, root / "new" / "b");
    const auto waiting = note(3, put(worm(3), "c"));
    const auto away = note(4, dir / "Elsewhere" / "new" / "d");
    auto finished = p.finish_interrupted();
    ASSERT_TRUE(finished) << finished.error().message;
    EXPECT_EQ(*finished, 2);
    for (auto [id, want] : {std::pair{moved, StepState::done}, {deleted, StepState::done},
                            {waiting, StepState::moving}, {away, StepState::moving}}) {
        auto row = state.get(id);
        ASSERT_TRUE(row && *row);
        EXPECT_EQ((*row)->state, want) << id;
    }
    // The one still in place is moved by the next pass over the folder, not decided again.
    auto r = p.process(root / "new" / "c");
    EXPECT_EQ(r.outcome, Outcome::complained);
    EXPECT_EQ(r.detail, "finishing the move an earlier run began");
    EXPECT_EQ(count("SELECT COUNT(*) FROM incidents"), 0);
}

TEST_F(PipelineTest, ReadOnlyMailboxMessagesStayWhereTheyAre)
{
    auto p = pipeline();
    auto r = p.process_read_only(worm(5), "/var/mail/alice, message 3");
    EXPECT_EQ(r.outcome, Outcome::complained) << r.detail;
    EXPECT_FALSE(r.moved_to);
    EXPECT_NE(r.detail.find("read-only"), std::string::npos);
    EXPECT_EQ(p.process_read_only(worm(5), "/var/mail/alice, message 3").outcome,
              Outcome::skipped);
    EXPECT_FALSE(std::filesystem::exists(root / ".Complained"));
}

// One message that makes a stage throw (here the contact search, standing for any defect)
// among good ones: it alone is an error, with the reason; every other message is handled,
// whatever the number of threads; later runs skip it until asked to retry.
void PipelineTest::failure_stays_with_its_message(unsigned jobs)
{
    std::vector<std::filesystem::path> files;
    for (int n = 0; n < 6; ++n)
        files.push_back(put(worm(n), fmt::format("17000000{:02}.M{}P1.test", n, n)));
    for (int n = 0; n < 3; ++n)
        files.push_back(put(samples::clean_message(fmt::format("X-N: {}\n", n)),
                            fmt::format("17000001{:02}.M{}P2.test", n, n)));
    auto poison = worm(99);
    poison.replace(poison.find("192.0.2.10"), 10, "192.0.2.66");
    const auto bad = put(poison, "1700000200.M1P3.test");
    files.push_back(bad);

    std::map<Outcome, int> outcomes;
    std::string reason;
    auto p = pipeline();
    p.run(files, jobs, nullptr, [&](const MessageResult& r) {
        ++outcomes[r.outcome];
        if (r.outcome == Outcome::error)
            reason = r.detail;
    });
    EXPECT_EQ(outcomes[Outcome::complained], 6);
    EXPECT_EQ(outcomes[Outcome::clean], 3);
    EXPECT_EQ(outcomes[Outcome::error], 1);
    EXPECT_NE(reason.find("a defect met by this message only"), std::string::npos) << reason;
    EXPECT_TRUE(std::filesystem::exists(bad)) << "a failed message stays where it was";

    // The next run skips it, saying why; with retry_errors it is decided again.
    auto again = p.process(bad);
    EXPECT_EQ(again.outcome, Outcome::skipped);
    EXPECT_TRUE(again.failed_before);
    EXPECT_NE(again.detail.find("a defect met by this message only"), std::string::npos);
    PipelineOptions retry;
    retry.retry_errors = true;
    EXPECT_EQ(pipeline(retry).process(bad).outcome, Outcome::error);
}

PipelineOptions at(std::int64_t seconds)
{
    PipelineOptions o;
    o.clock = [seconds] { return seconds * 1000; };
    return o;
}

TEST_F(PipelineTest, OldMailIsFiledAsTooOldAndNobodyIsAsked)
{
    // Three days and a minute after it arrived: past the default [report] max_age.
    auto p = pipeline(at(arrived + 3 * 86400 + 60));
    const auto file = put(worm(1), "1700000001.M1P1.test");
    auto r = p.process(file);
    EXPECT_EQ(r.outcome, Outcome::too_old) << r.detail;
    EXPECT_NE(r.detail.find("more than [report] max_age (3 days)"), std::string::npos) << r.detail;
    ASSERT_TRUE(r.moved_to);
    EXPECT_EQ(*r.moved_to, root / ".Unresolved" / "new" / "1700000001.M1P1.test");
    EXPECT_EQ(searches, 0) << "no registry is asked about mail that will not be reported";
    EXPECT_EQ(count("SELECT COUNT(*) FROM complaints"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM incidents"), 0);
    // Decided once: the next run knows it.
    EXPECT_EQ(p.process(put(worm(1), "1700000002.M2P1.test")).outcome, Outcome::skipped);

    // Within the limit (a longer one set by the user) the same kind of mail is reported.
    auto longer = at(arrived + 3 * 86400 + 60);
    longer.max_age = 7 * 86400;
    EXPECT_EQ(pipeline(longer).process(put(worm(2), "1700000003.M3P1.test")).outcome,
              Outcome::complained);
}

TEST_F(PipelineTest, MailDatedInTheFutureIsOfUnknownAge)
{
    // Our server's line says 10:00; the clock says 07:00: three hours ahead is no date.
    auto p = pipeline(at(arrived - 3 * 3600));
    auto r = p.process(put(worm(1), "1700000001.M1P1.test"));
    EXPECT_EQ(r.outcome, Outcome::too_old) << r.detail;
    EXPECT_NE(r.detail.find("in the future"), std::string::npos) << r.detail;
    EXPECT_EQ(count("SELECT COUNT(*) FROM complaints"), 0);
    // A few minutes of skew between hosts is not a lie.
    EXPECT_EQ(pipeline(at(arrived - 600)).process(put(worm(2), "1700000002.M2P1.test")).outcome,
              Outcome::complained);
}

TEST_F(PipelineTest, SinceLeavesOlderMailAloneAndUnrecorded)
{
    PipelineOptions options;
    options.since = arrived + 1;
    const auto file = put(worm(1), "1700000001.M1P1.test");
    auto r = pipeline(options).process(file);
    EXPECT_EQ(r.outcome, Outcome::skipped);
    EXPECT_TRUE(r.before_since);
    EXPECT_TRUE(std::filesystem::exists(file));
    EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0) << "left for a later run";
    options.since = arrived;
    EXPECT_EQ(pipeline(options).process(file).outcome, Outcome::complained);
}

TEST_F(PipelineTest, AFailureStaysWithItsMessageOnOneThread)
{
    failure_stays_with_its_message(1);
}

TEST_F(PipelineTest, AFailureStaysWithItsMessageOnTwoThreads)
{
    failure_stays_with_its_message(2);
}

} // namespace
} // namespace fightback::pipeline
