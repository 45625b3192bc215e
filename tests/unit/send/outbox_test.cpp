// The outbox's state machine with a scripted transport and a test clock: sent, deferred with
// backoff and retried, failed, given up, the per-recipient rate limit, recovery after a crash
// before and after the hand-over, retry and drop, dry runs, and one sender at a time.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>

#include <fmt/format.h>

#include "fightback/ledger/statement.hpp"
#include "fightback/send/outbox.hpp"

namespace fightback::send {
namespace {

struct Delivery {
    Envelope envelope;
    std::string message;
};

// Plays back scripted results; with `crash_after_handed`, stops like a killed process would
// (the hook ran, the result never comes back) by throwing.
class FakeTransport : public Transport {
public:
    struct Crash {};
    std::deque<DeliveryResult> script;
    std::vector<Delivery> delivered;
    bool crash_after_handed = false;
    bool crash_before_handed = false;

    DeliveryResult deliver(const Envelope& envelope, std::string_view message,
                           const HandedHook& handed) override
    {
        if (crash_before_handed)
            throw Crash{};
        DeliveryResult r = script.empty() ? DeliveryResult{DeliveryStatus::sent, 250, "ok", true}
                                          : script.front();
        if (!script.empty())
            script.pop_front();
        if (!handed())
            return DeliveryResult{DeliveryStatus::deferred, 0, "hook refused", false};
        if (crash_after_handed)
            throw Crash{};
        if (r.status == DeliveryStatus::sent)
            delivered.push_back({envelope, std::string(message)});
        return r;
    }
    std::string describe() const override { return "fake://"; }
};

class OutboxTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto l = ledger::Ledger::open_in_memory();
        ASSERT_TRUE(l);
        m_ledger.emplace(std::move(*l));
        report::ComposeOptions compose;
        compose.identity.address = "reports@reports.example";
        compose.identity.reply_to = compose.identity.address;
        m_complaints.emplace(*m_ledger, report::Restraint{}, compose);
        m_options.retry_base = std::chrono::milliseconds(1000);
        m_options.retry_max = std::chrono::milliseconds(8000);
        m_options.max_attempts = 4;
        m_options.envelope_from = "reports@reports.example";
        m_options.clock = [this] { return m_now; };
    }

    std::int64_t queue(int n, const char* to = "abuse@isp.example",
                       const char* ip = "198.51.100.45")
    {
        m_bytes.push_back(fmt::format("Message-ID: <m{}@x>\nSubject: {}\n\nbody\n", n, n));
        report::IncidentInput in;
        in.source = *net::IpAddress::parse(ip);
        in.to = to;
        in.cc = {"postmaster@isp.example"};
        in.automatic = true;
        in.detection = "Worm.Swen";
        in.arrival = 1000 + n;
        in.message = m_bytes.back();
        auto r = m_complaints->record(in, m_now);
        EXPECT_TRUE(r);
        return r ? r->complaint.value_or(0) : 0;
    }

    Outbox outbox(Transport* t) { return Outbox(*m_ledger, *m_complaints, t, m_options); }

    std::string state(std::int64_t id)
    {
        auto o = outbox(nullptr);
        return (*o.get(id))->state;
    }

    std::optional<ledger::Ledger> m_ledger;
    std::optional<report::Complaints> m_complaints;
    OutboxOptions m_options;
    std::int64_t m_now = 1'700'000'000'000;
    std::deque<std::string> m_bytes;
};

TEST_F(OutboxTest, SendsComposedReportToAllRecipients)
{
    auto id = queue(1);
    FakeTransport t;
    auto o = outbox(&t);
    auto s = o.flush();
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->sent, 1);
    ASSERT_EQ(t.delivered.size(), 1u);
    EXPECT_EQ(t.delivered[0].envelope.mail_from, "reports@reports.example");
    EXPECT_EQ(t.delivered[0].envelope.recipients,
              (std::vector<std::string>{"abuse@isp.example", "postmaster@isp.example"}));
    auto e = *o.get(id);
    EXPECT_EQ(e->state, "sent");
    EXPECT_NE(t.delivered[0].message.find("Message-ID: " + e->message_id), std::string::npos);
    EXPECT_EQ(*o.body(id), t.delivered[0].message);
    // Nothing is due any more.
    EXPECT_EQ(o.flush()->sent, 0);
    EXPECT_EQ(t.delivered.size(), 1u);
}

TEST_F(OutboxTest, DeferredBacksOffThenSends)
{
    auto id = queue(1);
    FakeTransport t;
    t.script = {{DeliveryStatus::deferred, 451, "try later", true},
                {DeliveryStatus::deferred, 0, "connection refused", false}};
    auto o = outbox(&t);
    EXPECT_EQ(o.flush()->deferred, 1);
    auto e = **o.get(id);
    EXPECT_EQ(e.state, "deferred");
    EXPECT_EQ(e.next_attempt_ms, m_now + 1000);
    EXPECT_EQ(*e.last_error, "try later");
    m_now += 999;
    EXPECT_EQ(o.flush()->deferred, 0); // not due yet
    m_now += 1;
    EXPECT_EQ(o.flush()->deferred, 1);
    EXPECT_EQ((*o.get(id))->next_attempt_ms, m_now + 2000); // doubled
    m_now += 2000;
    EXPECT_EQ(o.flush()->sent, 1);
    EXPECT_EQ((*o.get(id))->attempts, 3);
    // The same bytes every time: the Message-ID of the first attempt is the one that left.
    EXPECT_NE(t.delivered[0].message.find((*o.get(id))->message_id), std::string::npos);
}

TEST_F(OutboxTest, PermanentFailureAndGivingUpAreKept)
{
    auto a = queue(1);
    auto b = queue(2, "abuse@other.example");
    FakeTransport t;
    t.script = {{DeliveryStatus::failed, 554, "rejected", true}};
    for (int i = 0; i < 4; ++i)
        t.script.push_back({DeliveryStatus::deferred, 421, "busy", false});
    auto o = outbox(&t);
    o.flush();
    EXPECT_EQ(state(a), "failed");
    EXPECT_EQ(*(*o.get(a))->last_error, "rejected");
    for (int i = 0; i < 5; ++i) {
        m_now += 10'000;
        o.flush();
    }
    auto e = **o.get(b);
    EXPECT_EQ(e.state, "failed");
    EXPECT_EQ(e.attempts, 4);
    EXPECT_NE(e.last_error->find("given up after 4 attempts"), std::string::npos);
    // retry queues it again, attempts counted afresh; it then goes.
    ASSERT_TRUE(o.retry(a));
    EXPECT_EQ(o.flush()->sent, 1);
    EXPECT_EQ(state(a), "sent");
    EXPECT_FALSE(o.retry(a)); // sent: never again
    EXPECT_FALSE(o.drop(a));
    EXPECT_FALSE(o.retry(999));
}

TEST_F(OutboxTest, DropAndDryRun)
{
    auto a = queue(1);
    auto b = queue(2, "abuse@other.example");
    FakeTransport t;
    auto o = outbox(&t);
    auto dry = o.flush(std::nullopt, true);
    ASSERT_TRUE(dry);
    ASSERT_EQ(dry->items.size(), 2u);
    EXPECT_EQ(dry->items[0].outcome, "would-send");
    EXPECT_TRUE(t.delivered.empty());
    EXPECT_EQ(state(a), "queued");
    ASSERT_TRUE(o.drop(a));
    EXPECT_EQ(o.flush()->sent, 1);
    EXPECT_EQ(state(a), "dropped");
    EXPECT_EQ(state(b), "sent");
}

TEST_F(OutboxTest, PerRecipientRateLimit)
{
    m_options.per_recipient_limit = 2;
    m_options.per_recipient_window = std::chrono::milliseconds(60'000);
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(queue(i, "abuse@isp.example", fmt::format("198.51.100.{}", i + 1).c_str()));
    FakeTransport t;
    auto o = outbox(&t);
    auto s = o.flush();
    EXPECT_EQ(s->sent, 2);
    EXPECT_EQ(s->waiting, 1);
    EXPECT_EQ(state(ids[2]), "queued");
    EXPECT_EQ((*o.get(ids[2]))->next_attempt_ms, m_now + 60'000);
    // Incidents keep joining the held-back complaint while it waits.
    m_now += 30'000;
    EXPECT_EQ(o.flush()->sent, 0);
    m_now += 30'000;
    EXPECT_EQ(o.flush()->sent, 1);
}

TEST_F(OutboxTest, CrashBeforeHandOverResendsOnce)
{
    auto id = queue(1);
    FakeTransport crashing;
    crashing.crash_before_handed = true;
    {
        auto o = outbox(&crashing);
        EXPECT_THROW((void)o.flush(), FakeTransport::Crash);
    }
    EXPECT_EQ(state(id), "sending");
    FakeTransport t;
    auto o = outbox(&t);
    auto s = o.flush();
    EXPECT_EQ(s->recovered, 1);
    EXPECT_EQ(s->sent, 1);
    EXPECT_EQ(t.delivered.size(), 1u);
    EXPECT_NE((*o.get(id))->note->find("cannot have accepted"), std::string::npos);
}

TEST_F(OutboxTest, CrashAfterHandOverResendsWithTheSameMessageId)
{
    auto id = queue(1);
    FakeTransport crashing;
    crashing.crash_after_handed = true;
    {
        auto o = outbox(&crashing);
        EXPECT_THROW((void)o.flush(), FakeTransport::Crash);
    }
    EXPECT_EQ(state(id), "handed");
    const std::string first = *outbox(nullptr).body(id);
    FakeTransport t;
    auto o = outbox(&t);
    EXPECT_EQ(o.flush()->sent, 1);
    ASSERT_EQ(t.delivered.size(), 1u);
    EXPECT_EQ(t.delivered[0].message, first); // byte for byte, the same Message-ID
    EXPECT_NE((*o.get(id))->note->find("same Message-ID"), std::string::npos);
    auto d = ledger::Statement::prepare(m_ledger->db(),
                                        "SELECT group_concat(outcome) FROM deliveries");
    ASSERT_TRUE(d && *d->step());
    EXPECT_EQ(d->column_text(0), "unknown,sent");
}

TEST_F(OutboxTest, CrashAfterHandOverAssumedSentWhenConfigured)
{
    m_options.unknown_outcome = UnknownOutcome::assume_sent;
    auto id = queue(1);
    FakeTransport crashing;
    crashing.crash_after_handed = true;
    {
        auto o = outbox(&crashing);
        EXPECT_THROW((void)o.flush(), FakeTransport::Crash);
    }
    FakeTransport t;
    auto o = outbox(&t);
    EXPECT_EQ(o.flush()->sent, 0);
    EXPECT_TRUE(t.delivered.empty());
    EXPECT_EQ(state(id), "sent");
}

TEST_F(OutboxTest, LateIncidentsDoNotChangeWhatLeft)
{
    auto id = queue(1);
    FakeTransport t;
    t.script = {{DeliveryStatus::deferred, 451, "later", true}};
    auto o = outbox(&t);
    o.flush();
    const std::string body = *o.body(id);
    EXPECT_EQ(queue(2), id); // joins the period's complaint, as a late incident
    auto e = **o.get(id);
    EXPECT_EQ(e.incidents, 1);
    EXPECT_EQ(e.late_incidents, 1);
    m_now += 1000;
    o.flush();
    EXPECT_EQ(t.delivered.at(0).message, body);
}

TEST_F(OutboxTest, OneSenderAtATime)
{
    auto dir = std::filesystem::temp_directory_path() /
               fmt::format("fightback-outbox-lock-{}", ::getpid());
    std::filesystem::create_directories(dir);
    m_options.lock_file = dir / "ledger.outbox-lock";
    m_options.lock_wait = std::chrono::milliseconds(100);
    queue(1);
    FakeTransport inner;
    auto second = outbox(&inner);
    // The first sender holds the lock while it delivers; a second gives up with "try later".
    struct Nested : Transport {
        Outbox* other;
        Expected<FlushSummary> seen = FlushSummary{};
        DeliveryResult deliver(const Envelope&, std::string_view, const HandedHook& h) override
        {
            seen = other->flush();
            h();
            return {DeliveryStatus::sent, 250, "ok", true};
        }
        std::string describe() const override { return "nested://"; }
    } nested;
    nested.other = &second;
    auto first = outbox(&nested);
    EXPECT_EQ(first.flush()->sent, 1);
    ASSERT_FALSE(nested.seen);
    EXPECT_EQ(nested.seen.error().kind, ErrorKind::temporary);
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace fightback::send
