// Replies from several desks' formats (tests/data/replies/) are recognised and tied to the
// complaints of the known history; the reply rates then show in the statistics.
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "fightback/ledger/message_log.hpp"
#include "fightback/stats/reply_log.hpp"
#include "fightback/stats/stats.hpp"
#include "unit/stats/ledger_history.hpp"

namespace fightback::stats {
namespace {

const std::filesystem::path replies_dir = std::filesystem::path(FIGHTBACK_TEST_DATA) / "replies";

TEST(ReplyKind, Tickets)
{
    EXPECT_EQ(find_ticket("[Ticket#12345] Abuse report"), "ticket#12345");
    EXPECT_EQ(find_ticket("Re: [ABUSE #123] x"), "abuse#123");
    EXPECT_EQ(find_ticket("[rt.example #4711] AutoReply: x"), "rt.example#4711");
    EXPECT_EQ(find_ticket("Case 123 opened"), "case#123");
    EXPECT_EQ(find_ticket("Your request (Ticket ID: 5544)"), "ticket#5544");
    EXPECT_EQ(find_ticket("[SPAM] [192.0.2.1] nothing"), std::nullopt);
    EXPECT_EQ(find_ticket("Abuse report: 198.51.100.1 at 2024-03-01 (Worm.Swen), 2 incidents"),
              std::nullopt);
    EXPECT_EQ(find_ticket("showcase 123"), std::nullopt);
    EXPECT_EQ(base_subject("Re: AW: [Ticket#1]  Abuse   Report: X"), "abuse report: x");
    EXPECT_EQ(base_subject("Automatic reply: Hello"), "hello");
    auto ids = message_ids("<a@b> junk <c d@e> <f@g>");
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids[1], "f@g");
}

struct Expected_ {
    const char* file;
    ReplyKind kind;
    std::optional<int> complaint; // 1 = A, 2 = B, 3 = C in the known history
    const char* matched_by;
    std::optional<std::string> ticket;
};

TEST(Replies, DesksFormatsAreTiedToTheirComplaints)
{
    auto ledger = ledger::Ledger::open_in_memory();
    ASSERT_TRUE(ledger);
    test_support::known_history(*ledger);
    auto log = ReplyLog::open(*ledger);
    ASSERT_TRUE(log) << log.error().message;

    struct Loaded {
        std::string file;
        ReplyFacts facts;
        std::string hash;
    };
    std::vector<Loaded> replies;
    for (const auto& entry : std::filesystem::directory_iterator(replies_dir)) {
        auto m = mail::Message::load_file(entry.path());
        ASSERT_TRUE(m) << entry.path();
        replies.push_back({entry.path().filename().string(), read_reply(*m),
                           ledger::content_hash(m->bytes())});
    }
    ASSERT_EQ(replies.size(), 10u);
    // Oldest first, as `fightback replies` takes them.
    std::sort(replies.begin(), replies.end(), [](const Loaded& a, const Loaded& b) {
        return a.facts.date_ms.value_or(0) < b.facts.date_ms.value_or(0);
    });
    EXPECT_EQ(replies.front().file, "09-exim-bounce.eml");

    const std::vector<Expected_> expected{
        {"01-ticket-autoreply.eml", ReplyKind::auto_reply, 1, "in-reply-to", "ticket#12345"},
        {"02-ticket-followup.eml", ReplyKind::personal, 1, "ticket", "ticket#12345"},
        {"03-rt-autoreply.eml", ReplyKind::auto_reply, 2, "subject", "rt.example#4711"},
        {"04-abuse-number.eml", ReplyKind::auto_reply, 2, "references", "abuse#123"},
        {"05-dsn-bounce.eml", ReplyKind::bounce, 3, "original", std::nullopt},
        {"06-arf-feedback.eml", ReplyKind::feedback_report, 1, "source-ip", std::nullopt},
        {"07-personal.eml", ReplyKind::personal, 3, "in-reply-to", std::nullopt},
        {"08-case-unmatched.eml", ReplyKind::auto_reply, std::nullopt, "none", "case#98765"},
        {"09-exim-bounce.eml", ReplyKind::bounce, 1, "original", std::nullopt},
        {"10-hostile.eml", ReplyKind::feedback_report, std::nullopt, "none", "ticket#999"},
    };
    for (const auto& r : replies) {
        auto rec = log->record(r.facts, r.hash, r.facts.date_ms.value_or(0), r.file,
                               test_support::known_history_now_ms());
        ASSERT_TRUE(rec) << r.file << ": " << rec.error().message;
        auto want = std::find_if(expected.begin(), expected.end(),
                                 [&](const Expected_& e) { return r.file == e.file; });
        ASSERT_NE(want, expected.end()) << r.file;
        EXPECT_EQ(rec->kind, want->kind) << r.file;
        EXPECT_EQ(rec->complaint, want->complaint ? std::optional<std::int64_t>(*want->complaint)
                                                  : std::nullopt)
            << r.file;
        EXPECT_EQ(rec->matched_by, want->matched_by) << r.file;
        EXPECT_EQ(rec->ticket, want->ticket) << r.file;
        EXPECT_FALSE(rec->already_recorded);
    }
    // Read again: nothing new.
    auto again = log->record(replies.front().facts, replies.front().hash, 0, "x", 0);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->already_recorded);
    EXPECT_EQ(again->complaint, 1);

    // The history's own 4 replies and these 10: A answered (auto-reply, personal, ARF) and
    // bounced (the Exim bounce), B answered, C answered (Bob) and bounced.
    auto s = compute(*ledger, {test_support::known_history_now_ms(), 7, 0});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->replies.total, 14);
    EXPECT_EQ(s->replies.matched, 11);
    EXPECT_EQ(s->replies.by_kind.at("bounce"), 3);
    EXPECT_EQ(s->complaints_answered, 2); // C failed, so it is not among the sent
    ASSERT_EQ(s->networks[0].key, "198.51.100.0/24");
    EXPECT_EQ(s->networks[0].answered, 2);
    EXPECT_EQ(s->networks[0].bounced, 2);
    EXPECT_DOUBLE_EQ(s->networks[0].reply_rate, 1.0);
    EXPECT_EQ(s->networks[2].key, "203.0.113.0/24");
    EXPECT_EQ(s->networks[2].replies, 2);
}

} // namespace
} // namespace fightback::stats
