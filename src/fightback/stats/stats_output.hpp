// Writing the statistics out: a table for the terminal, JSON, CSV (one table at a time) and a
// self-contained HTML page (stats_html.cpp). docs/stats.md describes the JSON and CSV.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fightback/stats/stats.hpp"

namespace fightback::stats {

enum class CsvTable { days, networks, registries, sources };

void write_table(std::ostream& out, const Stats& stats);
nlohmann::json to_json(const Stats& stats);
void write_csv(std::ostream& out, const Stats& stats, CsvTable table);
// The whole page, as one string.
std::string html_page(const Stats& stats);

// A CSV cell: quoted when it holds a comma, quote or line break; a leading = + - @ (which
// spreadsheets run as a formula) is defused with a quote mark.
std::string csv_cell(std::string_view text);
// Text for HTML element content and attribute values.
std::string html_escape(std::string_view text);

} // namespace fightback::stats
