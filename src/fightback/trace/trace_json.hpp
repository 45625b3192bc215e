// The documented JSON form of a Trace (docs/trace-json.md): stable keys in a fixed order,
// null for absent, written by the one JsonWriter (so bytes from mail cannot break it).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fightback/trace/trace.hpp"
#include "fightback/util/json_writer.hpp"

namespace fightback::trace {

// What a caller adds to the object: where the message came from, and the warnings its
// loading gave (they join the trace's own, with hop null).
struct TraceJsonExtras {
    std::optional<std::string_view> file;
    std::optional<std::size_t> index; // the message's place in an mbox (1-based)
    std::span<const std::string> message_warnings;
};

void write_json(JsonWriter& out, const Trace& trace, const TraceJsonExtras& extras = {});
// One line, as the ledger keeps it and `trace --json` prints it.
std::string to_json(const Trace& trace, const TraceJsonExtras& extras = {});

} // namespace fightback::trace
