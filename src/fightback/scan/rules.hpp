// The user's rules, from [[scan.rules]] in config.toml: detection-name patterns to actions,
// and header rules that turn an upstream filter's spam verdict into one of ours. Name rules
// are tried in order on infected mail, first match wins, `default_action` for the rest;
// header rules are tried in order on mail no signature matched.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/mail/message.hpp"
#include "fightback/scan/verdict.hpp"

namespace fightback::scan {

struct Rule {
    enum class Kind { name, header };
    Kind kind = Kind::name;
    std::string pattern;             // name: a glob (* ? [...]), case-insensitive
    std::string header;              // header: the field name
    std::optional<double> min_score; // header: score at or above; unset means the yes/no flag
    Action action = Action::quarantine;

    std::string describe() const; // "name '*Worm*'", "X-Spam-Score >= 10"
};

struct RuleDecision {
    Action action;
    std::string reason;
};

struct SpamMatch {
    std::string header;
    Action action;
    std::string reason;
};

class Rules {
public:
    // What applies without any [[scan.rules]]: worms are complained about, IFrame exploits
    // reviewed, anything else detected quarantined; spam headers are not acted on.
    static Rules defaults();

    std::vector<Rule> rules;
    Action default_action = Action::quarantine;

    RuleDecision for_detection(std::string_view name) const;
    // The first header rule that holds for the message; only the topmost field of each name
    // is read (the one our own upstream filter added last).
    std::optional<SpamMatch> for_headers(const mail::Message& message) const;
};

// Shell-style glob, case-insensitive (fnmatch with FNM_CASEFOLD).
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace fightback::scan
