// Applying the rules: globs for names, spam-header readings for headers.
#include "fightback/scan/rules.hpp"

#include <fnmatch.h>

#include <fmt/format.h>

#include "fightback/scan/spam_headers.hpp"
#include "fightback/util/text.hpp"

namespace fightback::scan {

bool glob_match(std::string_view pattern, std::string_view text)
{
    const std::string p(pattern), t(text);
    return ::fnmatch(p.c_str(), t.c_str(), FNM_CASEFOLD) == 0;
}

std::string Rule::describe() const
{
    if (kind == Kind::name)
        return fmt::format("name '{}'", pattern);
    if (min_score)
        return fmt::format("{} >= {}", header, *min_score);
    return fmt::format("{} says spam", header);
}

Rules Rules::defaults()
{
    Rules r;
    r.rules.push_back({Rule::Kind::name, "*Worm*", {}, {}, Action::complain});
    r.rules.push_back({Rule::Kind::name, "*Exploit.IFrame*", {}, {}, Action::review});
    r.default_action = Action::quarantine;
    return r;
}

RuleDecision Rules::for_detection(std::string_view name) const
{
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const Rule& rule = rules[i];
        if (rule.kind == Rule::Kind::name && glob_match(rule.pattern, name))
            return {rule.action, fmt::format("rule {} ({}): {}", i + 1, rule.describe(), to_string(rule.action))};
    }
    return {default_action, fmt::format("no rule names it: default {}", to_string(default_action))};
}

std::optional<SpamMatch> Rules::for_headers(const mail::Message& message) const
{
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const Rule& rule = rules[i];
        if (rule.kind != Rule::Kind::header)
            continue;
        auto fields = message.fields(rule.header);
        if (fields.empty())
            continue;
        const auto reading = read_spam_header(fields.front()->unfolded);
        std::string why;
        if (rule.min_score) {
            if (!reading.score || *reading.score < *rule.min_score)
                continue;
            why = fmt::format("{} score {} >= {}", rule.header, *reading.score, *rule.min_score);
        } else {
            bool flagged = reading.flag.value_or(false);
            if (!reading.flag && reading.score && reading.required)
                flagged = *reading.score >= *reading.required;
            if (!flagged)
                continue;
            why = fmt::format("{}: {:.80}", rule.header, printable(fields.front()->unfolded));
        }
        return SpamMatch{rule.header, rule.action,
                         fmt::format("rule {} ({}): {}; {}", i + 1, rule.describe(), to_string(rule.action), why)};
    }
    return std::nullopt;
}

} // namespace fightback::scan
