// Where the scan tests find the project's signature database and Debian's clamav-testfiles.
#pragma once

#include <filesystem>

namespace fightback::test_scan {

inline std::filesystem::path test_database()
{
    return std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav";
}

// Debian's clamav-testfiles package (scripts/setup installs it); tests skip without it.
inline std::filesystem::path clamav_testfiles()
{
    return "/usr/share/clamav-testfiles";
}

} // namespace fightback::test_scan
