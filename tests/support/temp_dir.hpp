// A directory for one test, made with mkdtemp under $TMPDIR (or /tmp) and removed with
// everything in it afterwards.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <stdlib.h>

namespace fightback::test_support {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "fightback-test")
    {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = (base && *base ? std::string(base) : std::string("/tmp")) + "/" +
                              prefix + ".XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed for " + pattern);
        m_path = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir()
    {
        std::error_code ec;
        // Tests may leave files unwritable; removal as their owner still works.
        std::filesystem::remove_all(m_path, ec);
    }
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

} // namespace fightback::test_support
