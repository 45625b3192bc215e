// libclamav in this process: the signature database is loaded and compiled once, then the
// engine is shared by every worker thread (ClamAV's engine is read-only after compile).
#pragma once

#include <memory>

#include "fightback/scan/engine.hpp"

struct cl_engine;

namespace fightback::scan {

struct ClamEngineDeleter {
    void operator()(cl_engine* engine) const;
};
using ClamEnginePtr = std::unique_ptr<cl_engine, ClamEngineDeleter>;

class ClamavEngine final : public Engine {
public:
    static Expected<std::unique_ptr<ClamavEngine>> load(const EngineSettings& settings);

    Expected<std::optional<Detection>> scan(std::string_view data,
                                            std::string_view label) const override;
    std::string description() const override;
    unsigned signature_count() const { return m_signatures; }

    // ClamAV's compiled-in database directory.
    static std::filesystem::path default_database();

private:
    ClamavEngine() = default;

    ClamEnginePtr m_engine;
    unsigned m_signatures = 0;
    std::filesystem::path m_database;
    unsigned m_general = 0; // cl_scan_options.general, parse is all parsers
};

} // namespace fightback::scan
