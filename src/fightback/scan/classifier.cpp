// Verdicts: engine first, rules second; part location only for the few infected messages.
#include "fightback/scan/classifier.hpp"

#include "fightback/scan/mime_parts.hpp"

namespace fightback::scan {

Classifier::Classifier(std::shared_ptr<const Engine> engine, Rules rules, ClassifyOptions options)
    : m_engine(std::move(engine)), m_rules(std::move(rules)), m_options(options)
{
}

Expected<Verdict> Classifier::classify(const mail::Message& message, std::string_view label) const
{
    Verdict verdict;
    if (m_engine) {
        auto detection = m_engine->scan(message.bytes(), label);
        if (!detection)
            return std::unexpected(detection.error());
        if (*detection) {
            verdict.kind = VerdictKind::infected;
            verdict.name = (*detection)->name;
            verdict.unofficial = (*detection)->unofficial;
            auto decision = m_rules.for_detection(verdict.name);
            verdict.action = decision.action;
            verdict.reason = std::move(decision.reason);
            if (m_options.locate_parts)
                verdict.part = locate(message);
            return verdict;
        }
    }
    if (auto spam = m_rules.for_headers(message)) {
        verdict.kind = VerdictKind::spam;
        verdict.name = spam->header;
        verdict.action = spam->action;
        verdict.reason = spam->reason;
        return verdict;
    }
    verdict.reason = m_engine ? "no signature matched and no spam rule held"
                              : "no spam rule held (no virus scanner)";
    return verdict;
}

std::string Classifier::locate(const mail::Message& message) const
{
    GMimeMessage* mime = message.mime();
    std::optional<mail::Message> parsed;
    if (!mime) {
        // Loaded for the header only: parse the MIME structure now (infected mail is rare).
        auto full = mail::Message::from_bytes(message.bytes());
        if (!full)
            return {};
        parsed = std::move(*full);
        mime = parsed->mime();
    }
    auto leaves = decoded_leaves(mime, m_options.max_parts);
    for (const auto& leaf : leaves) {
        auto found = m_engine->scan(leaf.data, leaf.label());
        if (found && *found)
            return leaf.label();
    }
    return {};
}

} // namespace fightback::scan
