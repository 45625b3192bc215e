// The message history: one row per content hash, and the steps recorded against it.
#include <gtest/gtest.h>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/source_networks.hpp"
#include "fightback/ledger/statement.hpp"

namespace fightback::ledger {
namespace {

TEST(MessageLog, OneRowPerContentWithItsHistory)
{
    auto l = Ledger::open_in_memory();
    ASSERT_TRUE(l);
    MessageLog log(*l);
    EXPECT_EQ(content_hash("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    MessageFacts facts{content_hash("message one"), "<a@b>\r\nX: y", 11, "Maildir/new/1"};
    auto first = log.note_message(facts, 100);
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(first->first_time);
    auto second = log.note_message(facts, 200);
    EXPECT_FALSE(second->first_time);
    EXPECT_EQ(second->id, first->id);
    EXPECT_EQ(**log.find(facts.content_hash), first->id);
    EXPECT_FALSE(*log.find(content_hash("other")));

    EXPECT_TRUE(log.note_verdict(first->id, "clamav", "Worm.Swen", "complain", 101));
    EXPECT_TRUE(log.note_trace(first->id, net::IpAddress::parse("192.0.2.7"), "{}", 102));
    EXPECT_TRUE(log.note_trace(first->id, std::nullopt, "{\"again\":1}", 103));
    EXPECT_TRUE(log.note_contacts(first->id, true, "{}", 104));
    EXPECT_TRUE(log.note_move(first->id, "Maildir/new/1", "Maildir/.Complained/cur/1", 105));

    auto s = Statement::prepare(l->db(), "SELECT message_id, last_seen FROM messages");
    ASSERT_TRUE(s && *s->step());
    EXPECT_EQ(s->column_text(0), "<a@b>\\x0d\\x0aX: y"); // stored escaped
    EXPECT_EQ(s->column_int(1), 200);
    auto t = Statement::prepare(l->db(), "SELECT count(*), max(trace) FROM traces");
    ASSERT_TRUE(t && *t->step());
    EXPECT_EQ(t->column_int(0), 1); // the latest trace replaces the earlier one
    EXPECT_EQ(t->column_text(1), "{\"again\":1}");
}

TEST(Transaction, RollsBackUnlessCommitted)
{
    auto l = Ledger::open_in_memory();
    ASSERT_TRUE(l);
    ASSERT_TRUE(l->exec("CREATE TABLE t (x INTEGER)"));
    {
        Transaction tx(l->db());
        ASSERT_TRUE(tx.begun());
        ASSERT_TRUE(l->exec("INSERT INTO t VALUES (1)"));
    }
    {
        Transaction tx(l->db());
        ASSERT_TRUE(l->exec("INSERT INTO t VALUES (2)"));
        ASSERT_TRUE(tx.commit());
    }
    auto s = Statement::prepare(l->db(), "SELECT group_concat(x) FROM t");
    ASSERT_TRUE(s && *s->step());
    EXPECT_EQ(s->column_text(0), "2");
    EXPECT_FALSE(Statement::prepare(l->db(), "SELEC nonsense"));
}

TEST(SourceNetworks, LaterAnswersReplaceButANamelessOneKeepsTheName)
{
    auto l = Ledger::open_in_memory();
    ASSERT_TRUE(l);
    auto name_of = [&]() -> std::optional<std::string> {
        auto s = Statement::prepare(l->db(), "SELECT name, range, registry FROM source_networks "
                                             "WHERE source_ip = '192.0.2.10'");
        EXPECT_TRUE(s);
        auto row = s->step();
        EXPECT_TRUE(row && *row);
        return s->column_optional_text(0);
    };
    ASSERT_TRUE(note_source_network(*l, {"192.0.2.10", "192.0.2.0/26", "ISP-ONE", "rdap.arin.net"}, 1));
    EXPECT_EQ(name_of(), "ISP-ONE");
    // The same range from WHOIS, no netname: the name stays.
    ASSERT_TRUE(note_source_network(*l, {"192.0.2.10", "192.0.2.0/26", "", "whois.arin.net"}, 2));
    EXPECT_EQ(name_of(), "ISP-ONE");
    // Another range (the network was reassigned): its own (absent) name.
    ASSERT_TRUE(note_source_network(*l, {"192.0.2.10", "192.0.2.0/28", "", "whois.arin.net"}, 3));
    EXPECT_FALSE(name_of());
    ASSERT_TRUE(note_source_network(*l, {"192.0.2.10", "192.0.2.0/28", "CUSTOMER", "rdap.arin.net"}, 4));
    EXPECT_EQ(name_of(), "CUSTOMER");
    EXPECT_FALSE(note_source_network(*l, {"", "", "", ""}, 5));
}

TEST(SelectOne, RowNoRowAndError)
{
    auto l = Ledger::open_in_memory();
    ASSERT_TRUE(l);
    ASSERT_TRUE(l->exec("CREATE TABLE t (k INTEGER, v TEXT); INSERT INTO t VALUES (1, 'one');"));
    auto value_of = [&](std::int64_t k) {
        return select_one(
            l->db(), "SELECT v FROM t WHERE k = ?1", [&](Statement& s) { s.bind(1, k); },
            [](const Statement& s) { return s.column_text(0); });
    };
    auto one = value_of(1);
    ASSERT_TRUE(one);
    EXPECT_EQ(*one, "one");
    auto none = value_of(2);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    EXPECT_FALSE(select_one(
        l->db(), "SELECT nothing FROM nowhere", [](Statement&) {},
        [](const Statement& s) { return s.column_int(0); }));
}

} // namespace
} // namespace fightback::ledger
