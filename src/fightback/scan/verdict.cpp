// Names of verdict kinds and actions, as the config file and the logs spell them.
#include "fightback/scan/verdict.hpp"

#include "fightback/util/text.hpp"

namespace fightback::scan {

std::string_view to_string(VerdictKind kind)
{
    switch (kind) {
    case VerdictKind::clean: return "clean";
    case VerdictKind::infected: return "infected";
    case VerdictKind::spam: return "spam";
    }
    return "clean";
}

std::string_view to_string(Action action)
{
    switch (action) {
    case Action::keep: return "keep";
    case Action::complain: return "complain";
    case Action::review: return "review";
    case Action::quarantine: return "quarantine";
    }
    return "keep";
}

std::optional<Action> parse_action(std::string_view text)
{
    for (Action a : {Action::keep, Action::complain, Action::review, Action::quarantine})
        if (iequals(text, to_string(a)))
            return a;
    return std::nullopt;
}

} // namespace fightback::scan
