// A clamd of the test's own: Debian's clamd run in the foreground with a config written into
// a temporary directory (a unix socket there, TCP on 127.0.0.1 and a free port, the
// project's signature database), stopped with the test. No freshclam, no system service.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace fightback::test_scan {

class ClamdWorld {
public:
    // nullopt with a reason in `why` when clamd is not installed; throws when it is but
    // does not come up.
    static std::unique_ptr<ClamdWorld> start(const std::filesystem::path& database,
                                             std::string& why);
    ~ClamdWorld();
    ClamdWorld(const ClamdWorld&) = delete;
    ClamdWorld& operator=(const ClamdWorld&) = delete;

    std::filesystem::path socket() const { return m_dir / "clamd.sock"; }
    std::string tcp_address() const { return "127.0.0.1:" + std::to_string(m_port); }
    void stop();

private:
    ClamdWorld() = default;

    std::filesystem::path m_dir;
    std::uint16_t m_port = 0;
    pid_t m_pid = -1;
};

// Where clamd is (sbin is not on every PATH), or empty.
std::filesystem::path find_clamd();

} // namespace fightback::test_scan
