// Aggregation and restraint in the ledger: one complaint per source and recipient per period,
// Incidents = N with the latest message as the sample, late incidents after composition,
// duplicates, the suppression list, the confidence gate, and previews that keep nothing.
#include <gtest/gtest.h>

#include <deque>

#include <fmt/format.h>

#include "fightback/ledger/statement.hpp"
#include "fightback/report/complaints.hpp"
#include "report_reader.hpp"

namespace fightback::report {
namespace {

constexpr std::int64_t t0 = 1'700'000'000'000; // ms

std::string worm(int n, const char* ip = "198.51.100.45")
{
    return fmt::format("Received: from x ([{}]) by mx.ours.example; Tue, 14 Nov 2023 22:13:20 "
                       "+0000\nMessage-ID: <copy-{}@worm.example>\nSubject: copy {}\n\nbody {}\n",
                       ip, n, n, n);
}

class ComplaintsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto l = ledger::Ledger::open_in_memory();
        ASSERT_TRUE(l) << l.error().message;
        m_ledger.emplace(std::move(*l));
        m_compose.identity.address = "reports@reports.example";
        m_compose.identity.reply_to = "reports@reports.example";
    }

    Complaints complaints(Restraint restraint = {}) const
    {
        return Complaints(*m_ledger, std::move(restraint), m_compose);
    }

    IncidentInput incident(const std::string& bytes, std::int64_t arrival,
                           const char* ip = "198.51.100.45", const char* to = "abuse@isp.example")
    {
        IncidentInput in;
        in.source = *net::IpAddress::parse(ip);
        in.to = to;
        in.cc = {"postmaster@isp.example"};
        in.automatic = true;
        in.type = FeedbackType::virus;
        in.detection = "Worm.Swen";
        in.arrival = arrival;
        in.original_id = bytes.substr(bytes.find('<'), bytes.find('>') - bytes.find('<') + 1);
        in.message = bytes;
        return in;
    }

    std::int64_t count(const char* sql)
    {
        auto s = ledger::Statement::prepare(m_ledger->db(), sql);
        EXPECT_TRUE(s);
        EXPECT_TRUE(*s->step());
        return s->column_int(0);
    }

    std::optional<ledger::Ledger> m_ledger;
    ComposeOptions m_compose;
    std::deque<std::string> m_messages{worm(1), worm(2), worm(3), worm(4)}; // views point here
};

TEST_F(ComplaintsTest, OnePerSourceAndRecipientPerPeriod)
{
    auto c = complaints();
    auto a = c.record(incident(m_messages[0], 1000), t0);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->disposition, Disposition::opened);
    auto b = c.record(incident(m_messages[1], 3000), t0 + 1000);
    EXPECT_EQ(b->disposition, Disposition::joined);
    EXPECT_EQ(b->complaint, a->complaint);
    auto older = c.record(incident(m_messages[2], 2000), t0 + 2000);
    EXPECT_EQ(older->disposition, Disposition::joined);
    // Another recipient for the same source is another complaint.
    auto other = c.record(incident(m_messages[3], 4000, "198.51.100.45", "abuse@other.example"),
                          t0 + 3000);
    EXPECT_EQ(other->disposition, Disposition::opened);
    EXPECT_NE(other->complaint, a->complaint);
    EXPECT_EQ(count("SELECT count(*) FROM complaints"), 2);

    // Composed: three incidents, the latest arrival (copy 2) attached, the others listed.
    std::lock_guard lock(m_ledger->mutex());
    auto bytes = compose_complaint(m_ledger->db(), *a->complaint, m_compose, t0 + 5000);
    ASSERT_TRUE(bytes) << bytes.error().message;
    auto r = testing::read_report(*bytes);
    EXPECT_EQ(r.fields.find("Incidents")->second, "3");
    EXPECT_NE(r.attached.find("<copy-2@worm.example>"), std::string::npos);
    EXPECT_NE(r.letter.find("<copy-1@worm.example>"), std::string::npos);
    EXPECT_NE(r.letter.find("<copy-3@worm.example>"), std::string::npos);
    EXPECT_EQ(r.headers["Cc"].at(0), "postmaster@isp.example");
}

TEST_F(ComplaintsTest, LateAfterCompositionNewAfterThePeriod)
{
    auto c = complaints();
    auto a = c.record(incident(m_messages[0], 1000), t0);
    ASSERT_TRUE(a);
    ASSERT_TRUE(m_ledger->exec("UPDATE complaints SET body = 'composed', state = 'sent'"));
    auto late = c.record(incident(m_messages[1], 2000), t0 + 3600'000);
    EXPECT_EQ(late->disposition, Disposition::late);
    EXPECT_EQ(late->complaint, a->complaint);
    auto next_day = c.record(incident(m_messages[2], 3000), t0 + 86400'000 + 1);
    EXPECT_EQ(next_day->disposition, Disposition::opened);
    EXPECT_NE(next_day->complaint, a->complaint);
    // A dropped complaint does not hold the period.
    ASSERT_TRUE(m_ledger->exec(
        fmt::format("UPDATE complaints SET state = 'dropped' WHERE id = {}", *next_day->complaint)));
    auto after_drop = c.record(incident(m_messages[3], 4000), t0 + 86400'000 + 2);
    EXPECT_EQ(after_drop->disposition, Disposition::opened);
}

TEST_F(ComplaintsTest, AMessageIsAnIncidentOnce)
{
    auto c = complaints();
    auto a = c.record(incident(m_messages[0], 1000), t0);
    auto again = c.record(incident(m_messages[0], 1000), t0 + 10);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->disposition, Disposition::duplicate);
    EXPECT_EQ(again->complaint, a->complaint);
    // An mbox "From " line does not make it a different message.
    const std::string with_from = "From worm@x Tue Nov 14 22:13:20 2023\n" + m_messages[0];
    EXPECT_EQ(c.record(incident(with_from, 1000), t0 + 20)->disposition, Disposition::duplicate);
    EXPECT_EQ(count("SELECT count(*) FROM incidents"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 1);
}

TEST_F(ComplaintsTest, SuppressionAndTheGate)
{
    Restraint r;
    r.suppression = *Suppression::make({"abuse@quiet.example", "@hush.example"}, "203.0.113.0/24");
    auto c = complaints(std::move(r));
    EXPECT_EQ(c.record(incident(m_messages[0], 1, "203.0.113.9"), t0)->disposition,
              Disposition::suppressed);
    EXPECT_EQ(c.record(incident(m_messages[1], 1, "198.51.100.1", "ABUSE@quiet.example"), t0)
                  ->disposition,
              Disposition::suppressed);
    EXPECT_EQ(c.record(incident(m_messages[2], 1, "198.51.100.1", "abuse@mail.hush.example"), t0)
                  ->disposition,
              Disposition::suppressed);
    auto gated = incident(m_messages[3], 1);
    gated.automatic = false;
    gated.contact_why = "only a registry placeholder";
    auto g = c.record(gated, t0);
    EXPECT_EQ(g->disposition, Disposition::no_contact);
    EXPECT_EQ(g->reason, "only a registry placeholder");
    EXPECT_EQ(count("SELECT count(*) FROM complaints"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM incidents"), 4);
    // A suppressed CC is left out; the To still gets the report.
    Restraint cc_only;
    cc_only.suppression = *Suppression::make({"postmaster@isp.example"}, "");
    auto d = complaints(std::move(cc_only));
    m_messages.push_back(worm(9));
    auto in = incident(m_messages.back(), 1);
    ASSERT_EQ(d.record(in, t0)->disposition, Disposition::opened);
    EXPECT_EQ(count("SELECT count(*) FROM complaints WHERE cc = ''"), 1);
}

TEST_F(ComplaintsTest, PreviewKeepsNothing)
{
    auto c = complaints();
    auto p = c.preview(incident(m_messages[0], 1000), t0);
    ASSERT_TRUE(p) << p.error().message;
    ASSERT_TRUE(p->report);
    EXPECT_EQ(testing::read_report(*p->report).part_types.size(), 3u);
    EXPECT_EQ(count("SELECT count(*) FROM complaints"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 0);
    // With a complaint open, the preview shows the aggregated report.
    ASSERT_TRUE(c.record(incident(m_messages[0], 1000), t0));
    auto joined = c.preview(incident(m_messages[1], 2000), t0 + 1);
    EXPECT_EQ(joined->outcome.disposition, Disposition::joined);
    EXPECT_EQ(testing::read_report(*joined->report).fields.find("Incidents")->second, "2");
    EXPECT_EQ(count("SELECT count(*) FROM incidents"), 1);
}

TEST_F(ComplaintsTest, ABatchIsOneTransaction)
{
    auto c = complaints();
    std::vector<IncidentInput> batch{incident(m_messages[0], 1), incident(m_messages[1], 2),
                                     incident(m_messages[2], 3, "198.51.100.7")};
    auto r = c.record_all(batch, t0);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].disposition, Disposition::opened);
    EXPECT_EQ((*r)[1].disposition, Disposition::joined);
    EXPECT_EQ((*r)[2].disposition, Disposition::opened);
    EXPECT_EQ(count("SELECT count(*) FROM complaints"), 2);
    // A failing batch keeps nothing of itself.
    ASSERT_TRUE(m_ledger->exec("CREATE TRIGGER no_more BEFORE INSERT ON incidents "
                               "WHEN NEW.source_ip = '198.51.100.9' BEGIN "
                               "SELECT RAISE(ABORT, 'refused'); END"));
    m_messages.push_back(worm(7));
    std::vector<IncidentInput> bad{incident(m_messages[3], 4),
                                   incident(m_messages.back(), 5, "198.51.100.9")};
    EXPECT_FALSE(c.record_all(bad, t0));
    EXPECT_EQ(count("SELECT count(*) FROM incidents"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 3);
}

TEST(Suppression, Entries)
{
    EXPECT_FALSE(Suppression::make({"not an address"}, ""));
    EXPECT_FALSE(Suppression::make({}, "300.1.2.3"));
    auto s = *Suppression::make({" Abuse@X.example ", "@y.example"}, "!10.1.2.3 10/8");
    EXPECT_TRUE(s.address_reason("abuse@x.example"));
    EXPECT_FALSE(s.address_reason("other@x.example"));
    EXPECT_TRUE(s.address_reason("a@y.example"));
    EXPECT_TRUE(s.address_reason("a@sub.y.example"));
    EXPECT_FALSE(s.address_reason("a@xy.example"));
    EXPECT_TRUE(s.network_reason(*net::IpAddress::parse("10.9.9.9")));
    EXPECT_FALSE(s.network_reason(*net::IpAddress::parse("10.1.2.3")));
}

} // namespace
} // namespace fightback::report
