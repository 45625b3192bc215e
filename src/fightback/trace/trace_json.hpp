// The documented JSON form of a Trace (docs/trace-json.md): stable keys, null for absent.
#pragma once

#include <nlohmann/json.hpp>

#include "fightback/trace/trace.hpp"

namespace fightback::trace {

nlohmann::json to_json(const Trace& trace);

} // namespace fightback::trace
