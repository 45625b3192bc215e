// What the scan stage concludes about one message: clean, infected (a signature matched) or
// spam (an upstream filter's header said so), what to do with it, where in the message the
// match was, and why that action was chosen.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fightback::scan {

enum class VerdictKind { clean, infected, spam };

// What the pipeline does with a message:
//   keep        leave it where it is (deliver: the inbox)
//   complain    trace it and report it to whoever answers for its origin
//   review      hold it for a human (probably, not surely, what we complain about)
//   quarantine  set it aside, no complaint
enum class Action { keep, complain, review, quarantine };

struct Verdict {
    VerdictKind kind = VerdictKind::clean;
    std::string name;        // the detection name (without ".UNOFFICIAL"), or the spam header
    bool unofficial = false; // the signature came from an unsigned database (.ndb, .hdb, ...)
    Action action = Action::keep;
    std::string part;        // where it matched: "" for the message as a whole, else a part label
    std::string reason;      // why this action, for logs and the ledger
};

std::string_view to_string(VerdictKind kind);
std::string_view to_string(Action action);
std::optional<Action> parse_action(std::string_view text);

} // namespace fightback::scan
