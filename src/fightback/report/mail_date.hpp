// Dates as mail writes them (RFC 5322: "Tue, 14 Oct 2003 08:12:45 +0200") and as a person
// reads them in a subject line ("2003-10-14 08:12:45 +0200"), always with the time zone, in
// the local zone of the machine (TZ), so abuse desks can line them up with their own logs.
#pragma once

#include <cstdint>
#include <string>

namespace fightback::report {

std::string rfc5322_date(std::int64_t seconds_since_epoch);
std::string readable_date(std::int64_t seconds_since_epoch);

} // namespace fightback::report
