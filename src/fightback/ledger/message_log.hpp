// The history of each message fightback has seen, in the ledger (schema step 2): the message
// itself (its Message-ID and a SHA-256 of its bytes, which is what identifies it), the verdicts
// on it, its trace, the contacts found for its origin, and the folder moves made. Each call is
// one transaction, so a run killed between two steps leaves every earlier step recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fightback/ledger/ledger.hpp"
#include "fightback/net/ip_address.hpp"

namespace fightback::ledger {

// SHA-256 of `bytes`, 64 lower-case hex digits.
std::string content_hash(std::string_view bytes);

struct SeenMessage {
    std::int64_t id = 0;
    bool first_time = false; // no row had this content hash before
};

struct MessageFacts {
    std::string content_hash;               // content_hash(bytes)
    std::optional<std::string> message_id;  // the Message-ID field as found (sanitised here)
    std::uint64_t size = 0;
    std::optional<std::string> location;    // file or folder it was seen in
};

class MessageLog {
public:
    explicit MessageLog(const Ledger& ledger) : m_ledger(ledger) {}

    // The row for this content (created on first sight; last_seen updated otherwise).
    Expected<SeenMessage> note_message(const MessageFacts& facts, std::int64_t now) const;
    Expected<std::optional<std::int64_t>> find(std::string_view content_hash) const;

    Expected<void> note_verdict(std::int64_t message, std::string_view engine,
                                std::string_view name, std::string_view action,
                                std::int64_t now) const;
    // `trace_json` as `fightback trace --json` prints it; the latest trace replaces earlier ones.
    Expected<void> note_trace(std::int64_t message, const std::optional<net::IpAddress>& origin,
                              std::string_view trace_json, std::int64_t now) const;
    Expected<void> note_contacts(std::int64_t message, bool automatic,
                                 std::string_view decision_json, std::int64_t now) const;
    Expected<void> note_move(std::int64_t message, std::string_view from, std::string_view to,
                             std::int64_t now) const;

private:
    const Ledger& m_ledger;
};

// note_message for a caller that already holds the mutex and a transaction.
Expected<SeenMessage> note_message_in(sqlite3* db, const MessageFacts& facts, std::int64_t now);

// Sanitises a value from mail for storage: control characters escaped, bounded length.
std::string stored_text(std::string_view text, std::size_t max_bytes = 998);

} // namespace fightback::ledger
