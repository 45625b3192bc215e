// Running a command with given standard input and environment, collecting its exit code and
// standard error: how the deliver tests play the MTA.
#pragma once

#include <string>
#include <vector>

namespace fightback::test_scan {

struct CommandResult {
    int exit_code = -1; // -1 when it did not exit normally
    std::string err;
};

CommandResult run_command(const std::vector<std::string>& args, const std::string& input,
                          const std::vector<std::string>& env = {});

} // namespace fightback::test_scan
