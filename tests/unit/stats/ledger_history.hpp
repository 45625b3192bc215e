// A ledger filled with a known history for the statistics tests: messages, verdicts, traces,
// incidents, complaints, deliveries and replies at fixed times (no clock is read), and the
// history `known_history` writes, whose figures the tests assert exactly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "fightback/ledger/ledger.hpp"
#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/source_networks.hpp"
#include "fightback/ledger/statement.hpp"

namespace fightback::test_support {

// 2024-03-01 00:00:00 UTC.
inline constexpr std::int64_t history_day0 = 1709251200;

inline std::int64_t at(int day, int hour, int minute = 0)
{
    return history_day0 + std::int64_t{day} * 86400 + hour * 3600 + minute * 60;
}

class LedgerHistory {
public:
    explicit LedgerHistory(const ledger::Ledger& ledger) : m_ledger(ledger) {}

    // A message first seen at `seen` (seconds); with a detection, a verdict; with an origin, a
    // trace naming it.
    std::int64_t message(std::int64_t seen, std::optional<std::string> detection,
                         std::optional<std::string> origin)
    {
        const auto hash = ledger::content_hash(fmt::format("message {}", ++m_messages));
        auto id = must(ledger::MessageLog(m_ledger).note_message(
                           {hash, fmt::format("<m{}@example.net>", m_messages), 100, "new"}, seen))
                      .id;
        if (detection)
            exec("INSERT INTO verdicts (message, at, engine, name, action) VALUES (?1, ?2, "
                 "'clamav', ?3, 'complain')",
                 [&](ledger::Statement& s) { s.bind(1, id).bind(2, seen).bind(3, *detection); });
        if (origin)
            exec("INSERT INTO traces (message, at, origin_ip, trace) VALUES (?1, ?2, ?3, '{}')",
                 [&](ledger::Statement& s) { s.bind(1, id).bind(2, seen).bind(3, *origin); });
        return id;
    }

    std::int64_t complaint(const std::string& source, std::int64_t created_ms,
                           const std::string& state, std::optional<std::int64_t> sent_ms,
                           const std::string& message_id, const std::string& subject)
    {
        const auto body = fmt::format("From: reports@ours.example\r\nSubject: {}\r\n"
                                      "Message-ID: {}\r\n\r\nbody\r\n",
                                      subject, message_id);
        exec("INSERT INTO complaints (source_ip, recipient, feedback_type, message_id, state, "
             "created_ms, updated_ms, next_attempt_ms, body, sent_ms) VALUES (?1, "
             "'abuse@isp.example', 'virus', ?2, ?3, ?4, ?5, ?4, ?6, ?7)",
             [&](ledger::Statement& s) {
                 s.bind(1, source).bind(2, message_id).bind(3, state).bind(4, created_ms);
                 s.bind(5, sent_ms.value_or(created_ms)).bind_blob(6, body);
                 if (sent_ms)
                     s.bind(7, *sent_ms);
                 else
                     s.bind_null(7);
             });
        return ledger::last_insert_id(m_ledger.db());
    }

    // A detected message from `source` recorded as an incident.
    std::int64_t incident(const std::string& source, std::int64_t arrival,
                          const std::string& detection, const std::string& disposition,
                          std::optional<std::int64_t> complaint = std::nullopt)
    {
        const auto id = message(arrival + 60, detection, source);
        exec("INSERT INTO incidents (message, complaint, disposition, recorded_ms, source_ip, "
             "arrival, detection) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
             [&](ledger::Statement& s) {
                 s.bind(1, id);
                 if (complaint)
                     s.bind(2, *complaint);
                 else
                     s.bind_null(2);
                 s.bind(3, disposition).bind(4, (arrival + 60) * 1000).bind(5, source);
                 s.bind(6, arrival).bind(7, detection);
             });
        return id;
    }

    void delivery(std::int64_t complaint, std::int64_t started_ms, const std::string& outcome)
    {
        exec("INSERT INTO deliveries (complaint, started_ms, finished_ms, transport, outcome) "
             "VALUES (?1, ?2, ?2, 'smtp://127.0.0.1', ?3)",
             [&](ledger::Statement& s) { s.bind(1, complaint).bind(2, started_ms).bind(3, outcome); });
    }

    void contacts(std::int64_t message, const std::string& decision_json)
    {
        must(ledger::MessageLog(m_ledger).note_contacts(message, true, decision_json, 0));
    }

    void reply(const std::string& kind, std::optional<std::int64_t> complaint,
               std::int64_t received_ms)
    {
        exec("INSERT INTO replies (content_hash, kind, complaint, matched_by, received_ms, "
             "recorded_ms) VALUES (?1, ?2, ?3, 'test', ?4, ?4)",
             [&](ledger::Statement& s) {
                 s.bind(1, ledger::content_hash(fmt::format("reply {}", ++m_replies)));
                 s.bind(2, kind);
                 if (complaint)
                     s.bind(3, *complaint);
                 else
                     s.bind_null(3);
                 s.bind(4, received_ms);
             });
    }

private:
    template <typename T>
    static T must(Expected<T> value)
    {
        if (!value)
            throw std::runtime_error(value.error().message);
        return std::move(*value);
    }
    static void must(Expected<void> value)
    {
        if (!value)
            throw std::runtime_error(value.error().message);
    }
    template <typename Bind>
    void exec(std::string_view sql, Bind bind)
    {
        auto stmt = must(ledger::Statement::prepare(m_ledger.db(), sql));
        bind(stmt);
        must(stmt.run());
    }

    const ledger::Ledger& m_ledger;
    int m_messages = 0;
    int m_replies = 0;
};

// The history the statistics tests know by heart (see stats_test.cpp for the figures):
// sources A 198.51.100.1 and B 198.51.100.2 (one network, named in source_networks) were
// complained about; C 203.0.113.5 (network from a contacts decision) only failed; U1..U3 in
// 192.0.2.0/24 had no contact. The clock stands at day 16, 00:00.
inline std::int64_t known_history_now_ms()
{
    return at(16, 0) * 1000;
}

inline void known_history(const ledger::Ledger& ledger)
{
    LedgerHistory h(ledger);
    const std::string a = "198.51.100.1", b = "198.51.100.2", c = "203.0.113.5";
    const auto ca = h.complaint(a, at(0, 11, 30) * 1000, "sent", at(0, 12) * 1000,
                                "<fightback.1.aaaa@ours.example>",
                                "Abuse report: 198.51.100.1 at 2024-03-01 (Worm.Swen), 2 incidents");
    const auto cb = h.complaint(b, at(0, 13, 10) * 1000, "sent", at(0, 14) * 1000,
                                "<fightback.2.bbbb@ours.example>",
                                "Abuse report: 198.51.100.2 at 2024-03-01 (Worm.Swen)");
    const auto cc = h.complaint(c, at(1, 8, 30) * 1000, "failed", std::nullopt,
                                "<fightback.3.cccc@ours.example>",
                                "Abuse report: 203.0.113.5 at 2024-03-02 (Exploit.IFrame.Gen)");
    h.incident(a, at(0, 10), "Worm.Swen", "reported", ca);
    h.incident(a, at(0, 11), "Worm.Swen", "reported", ca);
    h.incident(a, at(1, 9), "Worm.Swen", "late", ca);
    h.incident(b, at(0, 13), "Worm.Swen", "reported", cb);
    h.incident(b, at(2, 14), "Worm.Swen", "reported");
    h.incident(b, at(10, 14), "Worm.Swen", "reported");
    const auto mc = h.incident(c, at(1, 8), "Exploit.IFrame.Gen", "reported", cc);
    h.contacts(mc, R"({"ip":"203.0.113.5","range":"203.0.113.0/24","registry":"whois.apnic.net"})");
    h.incident("192.0.2.10", at(0, 15), "Worm.Swen", "no-contact");
    h.incident("192.0.2.10", at(3, 15), "Worm.Swen", "no-contact");
    h.incident("192.0.2.20", at(1, 10), "Exploit.IFrame.Gen", "no-contact");
    h.incident("192.0.2.20", at(9, 10), "Exploit.IFrame.Gen", "no-contact");
    h.incident("192.0.2.30", at(15, 10), "Worm.Swen", "no-contact");
    h.message(at(0, 16), std::nullopt, std::nullopt); // a clean message
    h.delivery(ca, at(0, 12) * 1000, "sent");
    h.delivery(cb, at(0, 13, 30) * 1000, "deferred");
    h.delivery(cb, at(0, 14) * 1000, "sent");
    h.delivery(cc, at(1, 9) * 1000, "failed");
    ledger::SourceNetwork net{a, "198.51.100.0/24", "EXAMPLE-NET-A", "rdap.arin.net"};
    if (!ledger::note_source_network(ledger, net, 0))
        throw std::runtime_error("source network");
    net.source_ip = b;
    if (!ledger::note_source_network(ledger, net, 0))
        throw std::runtime_error("source network");
    h.reply("auto-reply", ca, at(0, 12, 5) * 1000);
    h.reply("personal", ca, at(2, 9) * 1000);
    h.reply("bounce", cb, at(0, 14, 10) * 1000);
    h.reply("personal", std::nullopt, at(1, 20) * 1000);
}

} // namespace fightback::test_support
