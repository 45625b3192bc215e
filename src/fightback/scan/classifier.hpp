// The scan stage for one message: the virus engine over the whole message (mail parser on),
// then, for infected mail, each decoded MIME part again to say where the match is; the name
// rules choose the action. Mail no signature matched goes through the header rules. The
// result is a Verdict. Safe to use from many threads at once.
#pragma once

#include <memory>

#include "fightback/mail/message.hpp"
#include "fightback/scan/engine.hpp"
#include "fightback/scan/rules.hpp"
#include "fightback/scan/verdict.hpp"

namespace fightback::scan {

struct ClassifyOptions {
    bool locate_parts = true;   // scan the parts of infected mail to name the one that matched
    std::size_t max_parts = 64; // parts scanned for that, at most
};

class Classifier {
public:
    // `engine` may be null: then only the header rules apply.
    Classifier(std::shared_ptr<const Engine> engine, Rules rules, ClassifyOptions options = {});

    // Errors are the engine's: kind temporary means "not now" (stop, retry later); parse or
    // limit mean this message cannot be scanned.
    Expected<Verdict> classify(const mail::Message& message, std::string_view label = "message") const;

    const Engine* engine() const { return m_engine.get(); }
    const Rules& rules() const { return m_rules; }

private:
    std::string locate(const mail::Message& message) const;

    std::shared_ptr<const Engine> m_engine;
    Rules m_rules;
    ClassifyOptions m_options;
};

} // namespace fightback::scan
