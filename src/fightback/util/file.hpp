// Bounded whole-file reads: input larger than the caller allows is refused, not half-read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "fightback/util/error.hpp"

namespace fightback {

Expected<std::string> read_file(const std::filesystem::path& path, std::size_t max_bytes);

} // namespace fightback
