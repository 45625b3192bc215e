// Hand-written readers: both forms are short, and a wrong one must say why.
#include "fightback/util/time_spec.hpp"

#include <charconv>
#include <chrono>
#include <optional>

#include <fmt/format.h>

namespace fightback::util {
namespace {

constexpr std::int64_t max_span = std::int64_t{100} * 366 * 86400; // a century is plenty

// Reads exactly `digits` decimal digits at `at`, advancing it.
std::optional<int> fixed_number(std::string_view text, std::size_t& at, std::size_t digits)
{
    if (at + digits > text.size())
        return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        const char c = text[at + i];
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    at += digits;
    return value;
}

std::optional<std::int64_t> calendar(std::string_view text)
{
    using namespace std::chrono;
    std::size_t at = 0;
    auto year = fixed_number(text, at, 4);
    if (!year || at >= text.size() || text[at++] != '-')
        return std::nullopt;
    auto month = fixed_number(text, at, 2);
    if (!month || at >= text.size() || text[at++] != '-')
        return std::nullopt;
    auto day = fixed_number(text, at, 2);
    if (!day)
        return std::nullopt;
    const year_month_day date{std::chrono::year(*year), std::chrono::month(unsigned(*month)),
                              std::chrono::day(unsigned(*day))};
    if (!date.ok())
        return std::nullopt;
    int hour = 0, minute = 0, second = 0;
    if (at < text.size() && (text[at] == 'T' || text[at] == ' ')) {
        ++at;
        auto h = fixed_number(text, at, 2);
        if (!h || at >= text.size() || text[at++] != ':')
            return std::nullopt;
        auto m = fixed_number(text, at, 2);
        if (!m)
            return std::nullopt;
        hour = *h;
        minute = *m;
        if (at < text.size() && text[at] == ':') {
            ++at;
            auto s = fixed_number(text, at, 2);
            if (!s)
                return std::nullopt;
            second = *s;
        }
        if (hour > 23 || minute > 59 || second > 60)
            return std::nullopt;
    }
    if (at < text.size() && text[at] == 'Z')
        ++at;
    if (at != text.size())
        return std::nullopt;
    const auto days = sys_days(date).time_since_epoch().count();
    return std::int64_t{days} * 86400 + hour * 3600 + minute * 60 + second;
}

} // namespace

Expected<std::int64_t> parse_span(std::string_view text)
{
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr == text.data() || value < 0)
        return fail(ErrorKind::invalid,
                    fmt::format("'{}': expected a span such as 3d, 12h, 90m, 2w or seconds", text));
    std::int64_t unit = 1;
    const std::string_view rest(ptr, static_cast<std::size_t>(end - ptr));
    if (rest == "" || rest == "s")
        unit = 1;
    else if (rest == "m")
        unit = 60;
    else if (rest == "h")
        unit = 3600;
    else if (rest == "d")
        unit = 86400;
    else if (rest == "w")
        unit = 7 * 86400;
    else
        return fail(ErrorKind::invalid,
                    fmt::format("'{}': unknown unit '{}' (s, m, h, d or w)", text, rest));
    if (value > max_span / unit)
        return fail(ErrorKind::invalid, fmt::format("'{}': longer than a century", text));
    return value * unit;
}

Expected<std::int64_t> parse_time_point(std::string_view text, std::int64_t now)
{
    if (auto when = calendar(text))
        return *when;
    auto span = parse_span(text);
    if (!span)
        return fail(ErrorKind::invalid,
                    fmt::format("'{}': expected a date (2026-11-30, 2026-11-30T08:00Z) or a span "
                                "back from now (3d, 12h, 90m)",
                                text));
    return now - *span;
}

} // namespace fightback::util
