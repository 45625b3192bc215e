// Scanner flags and the Maildir location.
#include "scan_setup.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"

namespace fightback::app {

void ScanFlags::add_to(CLI::App& command)
{
    command.add_option("--engine", engine, "virus scanner: libclamav (in-process) or clamd");
    command.add_option("--database", database,
                       "libclamav signature directory or file (default: ClamAV's own)");
    command.add_option("--clamd", clamd, "clamd socket path or HOST:PORT (with --engine clamd)");
    command.add_flag("--no-scan", no_scan, "no virus scan; header rules only");
}

Expected<void> ScanFlags::apply(config::ScanConfig& scan) const
{
    if (engine) {
        if (*engine == "libclamav" || *engine == "clamav")
            scan.engine.kind = scan::EngineKind::libclamav;
        else if (*engine == "clamd")
            scan.engine.kind = scan::EngineKind::clamd;
        else
            return fail(ErrorKind::invalid, fmt::format("--engine: '{}' is not libclamav or clamd", *engine));
    }
    if (database)
        scan.engine.database = *database;
    if (clamd) {
        scan.engine.clamd_address = *clamd;
        if (!engine)
            scan.engine.kind = scan::EngineKind::clamd;
    }
    return {};
}

Expected<scan::Classifier> make_classifier(const config::ScanConfig& scan, bool with_engine)
{
    std::shared_ptr<const scan::Engine> engine;
    if (with_engine) {
        auto made = scan::make_engine(scan.engine);
        if (!made)
            return std::unexpected(made.error());
        engine = std::move(*made);
    }
    return scan::Classifier(std::move(engine), scan.rules, scan.classify);
}

Expected<std::filesystem::path> delivery_maildir(const std::optional<std::string>& flag,
                                                 const config::FoldersConfig& folders)
{
    std::string chosen;
    if (flag)
        chosen = *flag;
    else if (folders.maildir)
        chosen = folders.maildir->string();
    else if (const char* env = std::getenv("MAILDIR"); env && *env)
        chosen = env;
    else
        chosen = "~/Maildir";
    if (chosen.empty())
        return fail(ErrorKind::invalid, "the Maildir path is empty");
    if (chosen.starts_with("~/") || chosen.front() == '/')
        return mail::resolve_folder("/", chosen);
    // A relative Maildir is taken from the home directory, as procmail and maildrop do.
    return mail::resolve_folder("/", "~/" + chosen);
}

} // namespace fightback::app
