// The source_networks rows (migration 4). Values come from registries: stored sanitised and
// bounded, empty ones as NULL.
#include "fightback/ledger/source_networks.hpp"

#include <mutex>
#include <optional>
#include <string>

#include "fightback/ledger/message_log.hpp"
#include "fightback/ledger/statement.hpp"

namespace fightback::ledger {
namespace {

std::optional<std::string> optional_text(std::string_view text, std::size_t max_bytes)
{
    if (text.empty())
        return std::nullopt;
    return stored_text(text, max_bytes);
}

} // namespace

Expected<void> note_source_network(const Ledger& ledger, const SourceNetwork& network,
                                   std::int64_t now_ms)
{
    if (network.source_ip.empty() || network.source_ip.size() > 64)
        return fail(ErrorKind::invalid, "ledger: a source network needs its address");
    std::lock_guard lock(ledger.mutex());
    auto stmt = Statement::prepare(ledger.db(),
                                   "INSERT INTO source_networks "
                                   "(source_ip, range, name, registry, recorded_ms) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5) "
                                   "ON CONFLICT (source_ip) DO UPDATE SET "
                                   // A later answer for the same range that gives no name
                                   // (WHOIS without netname) keeps the name known before.
                                   "name = CASE WHEN excluded.name IS NULL AND "
                                   "excluded.range IS source_networks.range "
                                   "THEN source_networks.name ELSE excluded.name END, "
                                   "range = excluded.range, registry = excluded.registry, "
                                   "recorded_ms = excluded.recorded_ms");
    if (!stmt)
        return std::unexpected(stmt.error());
    stmt->bind(1, stored_text(network.source_ip, 64));
    stmt->bind(2, optional_text(network.range, 128)).bind(3, optional_text(network.name, 256));
    stmt->bind(4, optional_text(network.registry, 256)).bind(5, now_ms);
    return stmt->run();
}

} // namespace fightback::ledger
