// Reads a composed report back with GMime (an independent MIME parser), for the tests: the
// top-level type and parameters, each part's type, the feedback fields, the attached part.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fightback::report::testing {

struct ReadReport {
    bool parsed = false;
    std::string content_type;       // "multipart/report"
    std::string report_type;        // the report-type parameter
    std::vector<std::string> part_types;
    std::string letter;             // the first part, decoded
    std::multimap<std::string, std::string> fields; // the feedback report's fields
    std::string attached;           // the third part as GMime writes it back
    std::map<std::string, std::vector<std::string>> headers; // top-level header fields
};

ReadReport read_report(const std::string& bytes);

// Header field names at the top level, in order (to catch injected lines).
std::vector<std::string> top_header_names(const std::string& bytes);

} // namespace fightback::report::testing
