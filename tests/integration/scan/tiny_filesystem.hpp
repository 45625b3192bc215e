// A 64 KiB tmpfs mounted for a test, to fill up: only where the test may mount (root in a
// mount namespace of its own, which run_isolated.sh provides); otherwise the tests skip.
#pragma once

#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

namespace fightback::test_scan {

class TinyFilesystem {
public:
    explicit TinyFilesystem(const std::string& size = "64k") : m_dir("fightback-tinyfs")
    {
        if (!std::getenv("FIGHTBACK_MOUNT_NAMESPACE")) {
            m_why = "not in a mount namespace of its own (run through run_isolated.sh as root)";
            return;
        }
        const std::string options = "size=" + size + ",mode=0755";
        if (::mount("tmpfs", m_dir.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
            m_why = std::string("cannot mount a tmpfs: ") + std::strerror(errno);
            return;
        }
        m_mounted = true;
    }
    ~TinyFilesystem()
    {
        if (m_mounted)
            ::umount2(m_dir.path().c_str(), MNT_DETACH);
    }
    bool mounted() const { return m_mounted; }
    const std::string& why() const { return m_why; }
    const std::filesystem::path& path() const { return m_dir.path(); }

private:
    test_support::TempDir m_dir;
    bool m_mounted = false;
    std::string m_why;
};

} // namespace fightback::test_scan
