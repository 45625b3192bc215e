// localtime_r gives the zone offset (tm_gmtoff); the English names are fixed, not the locale's.
#include "fightback/report/mail_date.hpp"

#include <ctime>

#include <fmt/format.h>

namespace fightback::report {
namespace {

struct Local {
    std::tm tm{};
    long offset_minutes = 0;
};

Local local_time(std::int64_t t)
{
    Local out;
    const std::time_t when = static_cast<std::time_t>(t);
    if (!localtime_r(&when, &out.tm))
        gmtime_r(&when, &out.tm);
    out.offset_minutes = out.tm.tm_gmtoff / 60;
    return out;
}

std::string zone(long minutes)
{
    const char sign = minutes < 0 ? '-' : '+';
    const long a = minutes < 0 ? -minutes : minutes;
    return fmt::format("{}{:02}{:02}", sign, a / 60, a % 60);
}

} // namespace

std::string rfc5322_date(std::int64_t t)
{
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const Local l = local_time(t);
    return fmt::format("{}, {} {} {} {:02}:{:02}:{:02} {}", days[l.tm.tm_wday % 7], l.tm.tm_mday,
                       months[l.tm.tm_mon % 12], l.tm.tm_year + 1900, l.tm.tm_hour, l.tm.tm_min,
                       l.tm.tm_sec, zone(l.offset_minutes));
}

std::string readable_date(std::int64_t t)
{
    const Local l = local_time(t);
    return fmt::format("{}-{:02}-{:02} {:02}:{:02}:{:02} {}", l.tm.tm_year + 1900, l.tm.tm_mon + 1,
                       l.tm.tm_mday, l.tm.tm_hour, l.tm.tm_min, l.tm.tm_sec,
                       zone(l.offset_minutes));
}

} // namespace fightback::report
