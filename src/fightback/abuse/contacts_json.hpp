// ContactResult -> the JSON object `fightback contacts --json` prints (docs/contacts-json.md).
// Every key is always present so consumers never test for presence.
#pragma once

#include <nlohmann/json.hpp>

#include "fightback/abuse/contact_finder.hpp"

namespace fightback::abuse {

nlohmann::json to_json(const ContactResult& result);

} // namespace fightback::abuse
