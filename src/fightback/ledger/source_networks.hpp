// What a registry said about a source address, kept for the statistics (schema step 4): the
// range it returned, the network's name there and the registry itself. The scan pipeline notes
// it when the contacts are found; a later answer replaces an earlier one, except that one for
// the same range without a name keeps the name known before.
#pragma once

#include <cstdint>
#include <string_view>

#include "fightback/ledger/ledger.hpp"

namespace fightback::ledger {

struct SourceNetwork {
    std::string_view source_ip; // canonical form, as incidents and complaints hold it
    std::string_view range;     // CIDR or "first - last"; empty when unknown
    std::string_view name;      // netname / RDAP name; empty when unknown
    std::string_view registry;  // the server that answered; empty when unknown
};

Expected<void> note_source_network(const Ledger& ledger, const SourceNetwork& network,
                                   std::int64_t now_ms);

} // namespace fightback::ledger
