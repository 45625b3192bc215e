// Where the abuse unit tests find data: the project's fixtures and ../shared (may be absent).
#pragma once

#include <string>

namespace fightback::abuse::testing {

inline std::string test_data(const std::string& relative)
{
    return std::string(FIGHTBACK_TEST_DATA) + "/" + relative;
}

inline std::string shared_dir()
{
    return FIGHTBACK_SHARED_DIR;
}

} // namespace fightback::abuse::testing
