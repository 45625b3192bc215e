// A virus scanner as the scan stage uses it: bytes in, the name of what matched (if anything)
// out. Two implementations: libclamav in this process (ClamavEngine) and a clamd daemon
// spoken to over zINSTREAM (ClamdEngine). Both are safe to call from many threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fightback/util/error.hpp"

namespace fightback::scan {

// A signature match. Names are kept without the ".UNOFFICIAL" suffix ClamAV gives every
// signature from an unsigned database, so a rule written for "Exploit.IFrame.Gen" matches
// whether the signature came from main.cvd or a local .ndb; `unofficial` keeps the fact.
struct Detection {
    std::string name;
    bool unofficial = false;
};

Detection detection_from_name(std::string_view reported_name);

class Engine {
public:
    virtual ~Engine() = default;
    // Scans one whole object (a message, or one decoded MIME part). Errors: kind temporary
    // when scanning cannot happen now (daemon down, no memory, temporary directory full),
    // kind parse or limit when this input cannot be scanned.
    virtual Expected<std::optional<Detection>> scan(std::string_view data,
                                                    std::string_view label) const = 0;
    // For logs: "libclamav 1.4.6, 3 signatures from DIR", "clamd at ADDRESS".
    virtual std::string description() const = 0;
};

enum class EngineKind { libclamav, clamd };

inline constexpr std::string_view default_clamd_socket = "/run/clamav/clamd.ctl";

struct EngineSettings {
    EngineKind kind = EngineKind::libclamav;
    // libclamav: a directory of signature files (or one file); empty means ClamAV's own
    // (cl_retdbdir(), /var/lib/clamav on Debian).
    std::filesystem::path database;
    // clamd: "/path/to/socket", "unix:/path", "127.0.0.1:3310", "[::1]:3310", "tcp:HOST:PORT".
    std::string clamd_address = std::string(default_clamd_socket);
    std::chrono::milliseconds clamd_timeout{60'000};
    // libclamav limits; unset keeps ClamAV's defaults. clamd applies its own clamd.conf.
    std::optional<std::uint64_t> max_file_size;
    std::optional<std::uint64_t> max_scan_size;
    std::optional<std::uint32_t> max_scan_time_ms;
    std::optional<std::uint32_t> max_recursion;
    std::optional<std::uint32_t> max_files;
    std::optional<std::filesystem::path> tmpdir;
    bool heuristics = true; // ClamAV's heuristic alerts (Heuristics.*), on as in clamscan
    // ClamAV remembers clean objects by hash and skips them when seen again; off only for
    // measurements that must not profit from an earlier pass.
    bool cache = true;
};

// Loads the signature database (libclamav) or checks the daemon answers PING (clamd). A
// database that cannot be read or a daemon that does not answer is ErrorKind::temporary.
Expected<std::shared_ptr<const Engine>> make_engine(const EngineSettings& settings);

} // namespace fightback::scan
