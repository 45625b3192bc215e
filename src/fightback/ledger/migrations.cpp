// The schema, as an ordered list of steps. Append; never edit a step that has shipped.
#include "fightback/ledger/ledger.hpp"

#include <array>

namespace fightback::ledger {
namespace {

constexpr std::array<Migration, 1> steps{{
    {1, "abuse contact cache, keyed by the range a registry returned",
     R"sql(
CREATE TABLE contact_cache (
    family     INTEGER NOT NULL,          -- 4 or 6
    first_ip   BLOB    NOT NULL,          -- 16 bytes, big-endian (IPv4 in the first 4)
    last_ip    BLOB    NOT NULL,
    registry   TEXT    NOT NULL,          -- the server that answered
    fetched_at INTEGER NOT NULL,          -- seconds since the epoch
    expires_at INTEGER NOT NULL,
    answer     TEXT    NOT NULL,          -- JSON: what the registry said (evidence, notes)
    PRIMARY KEY (family, first_ip, last_ip)
);
CREATE INDEX contact_cache_lookup ON contact_cache (family, first_ip DESC, last_ip);
)sql"},
}};

} // namespace

std::span<const Migration> migrations()
{
    return steps;
}

} // namespace fightback::ledger
