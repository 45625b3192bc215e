// Choosing the scanner the config asks for, and the one rule for detection names.
#include "fightback/scan/engine.hpp"

#include "fightback/scan/clamav_engine.hpp"
#include "fightback/scan/clamd_engine.hpp"
#include "fightback/util/text.hpp"

namespace fightback::scan {

Detection detection_from_name(std::string_view reported_name)
{
    constexpr std::string_view suffix = ".UNOFFICIAL";
    Detection d;
    if (reported_name.size() > suffix.size() && reported_name.ends_with(suffix)) {
        reported_name.remove_suffix(suffix.size());
        d.unofficial = true;
    }
    // Names come from signature files and daemons: keep them printable.
    d.name = printable(reported_name.substr(0, 256));
    return d;
}

Expected<std::shared_ptr<const Engine>> make_engine(const EngineSettings& settings)
{
    if (settings.kind == EngineKind::clamd) {
        auto engine = ClamdEngine::connect(settings);
        if (!engine)
            return std::unexpected(engine.error());
        return std::shared_ptr<const Engine>(std::move(*engine));
    }
    auto engine = ClamavEngine::load(settings);
    if (!engine)
        return std::unexpected(engine.error());
    return std::shared_ptr<const Engine>(std::move(*engine));
}

} // namespace fightback::scan
