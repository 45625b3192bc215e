// The form letter: the human-readable first part of every report, from a template the user can
// replace (`[report] template = FILE`). Placeholders are `{{name}}`; a template naming one this
// version does not know is refused when loaded, so a typo never reaches an abuse desk. The
// values are filled in by the report, already reduced to plain text.
#pragma once

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::report {

// The names a template may use (see docs/reports.md).
std::span<const std::string_view> letter_placeholders();

class FormLetter {
public:
    static Expected<FormLetter> parse(std::string_view text, std::string_view origin);
    static Expected<FormLetter> load(const std::filesystem::path& path);
    // The letter shipped with fightback.
    static const FormLetter& builtin();

    // Every placeholder replaced; a name without a value becomes empty.
    std::string render(const std::map<std::string, std::string, std::less<>>& values) const;

private:
    struct Piece {
        bool is_placeholder;
        std::string text; // literal text, or the placeholder's name
    };
    std::vector<Piece> m_pieces;
};

} // namespace fightback::report
