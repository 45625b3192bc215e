// parse_mail_date: the date an MTA wrote after the last ';' of a Received line, to epoch
// seconds UTC. MTAs write RFC 5322 dates, but also ctime order ("Sun Nov 13 14:50:12 2005"),
// two-digit years, named zones, fractional seconds and trailing comments, so the text is
// read as a bag of tokens (numbers, month, h:m:s, zone) rather than against one grammar.
// Also date_cut: where the date that SpamAssassin's pattern strips from a line begins.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fightback/trace/received_fields.hpp"
#include "fightback/trace/received_parser.hpp"
#include "fightback/trace/received_scan.hpp"

namespace fightback::trace {
namespace {

using detail::iequals;
using detail::is_digit;

bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Three letters, lower-cased, as one number: a month name is then one compare, not three.
constexpr std::uint32_t key3(char a, char b, char c)
{
    return static_cast<std::uint32_t>(static_cast<unsigned char>(detail::ascii_lower(a))) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(detail::ascii_lower(b))) << 8 |
           static_cast<unsigned char>(detail::ascii_lower(c));
}

std::optional<int> month_number(std::string_view word)
{
    static constexpr std::array<std::uint32_t, 12> names = {
        key3('j', 'a', 'n'), key3('f', 'e', 'b'), key3('m', 'a', 'r'), key3('a', 'p', 'r'),
        key3('m', 'a', 'y'), key3('j', 'u', 'n'), key3('j', 'u', 'l'), key3('a', 'u', 'g'),
        key3('s', 'e', 'p'), key3('o', 'c', 't'), key3('n', 'o', 'v'), key3('d', 'e', 'c')};
    if (word.size() < 3)
        return std::nullopt;
    const std::uint32_t key = key3(word[0], word[1], word[2]);
    for (std::size_t i = 0; i < names.size(); ++i)
        if (key == names[i])
            return static_cast<int>(i) + 1;
    return std::nullopt;
}

// Offsets in minutes east of UTC for the zone names RFC 822 kept and a few MTAs still write.
// Unknown names count as UTC, as RFC 5322 says to treat them.
std::optional<int> zone_minutes(std::string_view word)
{
    struct Zone {
        std::string_view name;
        int minutes;
    };
    static constexpr std::array<Zone, 14> zones = {{{"UT", 0},
                                                    {"UTC", 0},
                                                    {"GMT", 0},
                                                    {"Z", 0},
                                                    {"EST", -300},
                                                    {"EDT", -240},
                                                    {"CST", -360},
                                                    {"CDT", -300},
                                                    {"MST", -420},
                                                    {"MDT", -360},
                                                    {"PST", -480},
                                                    {"PDT", -420},
                                                    {"CET", 60},
                                                    {"CEST", 120}}};
    for (const auto& z : zones)
        if (iequals(word, z.name))
            return z.minutes;
    return std::nullopt;
}

bool is_leap(std::int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(std::int64_t year, int month)
{
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[static_cast<std::size_t>(month - 1)];
}

// Days from 1970-01-01 to the given civil date (proleptic Gregorian), by counting eras of
// 400 years from a March-based year so that the leap day falls at the end.
std::int64_t days_from_civil(std::int64_t y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t year_of_era = y - era * 400;
    const int shifted_month = m > 2 ? m - 3 : m + 9;
    const std::int64_t day_of_year = (153 * shifted_month + 2) / 5 + d - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

struct Number {
    std::int64_t value;
    std::size_t digits;
};

// The date checked and turned into seconds since the epoch; `zone` in minutes east of UTC.
std::optional<std::int64_t> epoch_seconds(std::int64_t year, int month, int day, int hour,
                                          int minute, int second, int zone)
{
    if (year < 1900 || year > 9999 || month < 1 || month > 12 || day < 1 ||
        day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    const std::int64_t days = days_from_civil(year, month, day);
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    return seconds - static_cast<std::int64_t>(zone) * 60;
}

struct UsualDate {
    std::int64_t year;
    int month, day, hour, minute, second, zone;
};

// The form nearly every MTA writes, "[Ddd, ]D Mon YYYY hh:mm:ss +hhmm", read straight off.
// Whatever follows it cannot change what the general reading makes of the date (month, day,
// year, time and zone are all taken by then), so it is not looked at. Anything unusual (other
// spacing, no zone, a zone out of range, a day that is not one) is left to the general reading.
std::optional<UsualDate> read_usual_form(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && text[i] == ' ')
        ++i;
    auto digits = [&](std::size_t count) -> std::optional<int> {
        if (i + count > text.size())
            return std::nullopt;
        int value = 0;
        for (std::size_t k = 0; k < count; ++k) {
            if (!is_digit(text[i + k]))
                return std::nullopt;
            value = value * 10 + (text[i + k] - '0');
        }
        i += count;
        return value;
    };
    auto take = [&](char c) {
        if (i < text.size() && text[i] == c) {
            ++i;
            return true;
        }
        return false;
    };
    // A weekday only if it is one: the general reading would take a month name there.
    if (i + 4 < text.size() && text[i + 3] == ',') {
        static constexpr std::array<std::string_view, 7> days = {"Mon", "Tue", "Wed", "Thu",
                                                                 "Fri", "Sat", "Sun"};
        if (std::ranges::find(days, text.substr(i, 3)) == days.end())
            return std::nullopt;
        i += 4;
        if (!take(' '))
            return std::nullopt;
    }
    UsualDate d{};
    const std::size_t day_at = i;
    auto day = digits(2);
    if (!day) {
        i = day_at;
        day = digits(1);
    }
    if (!day || *day < 1 || *day > 31 || !take(' ') || i + 4 > text.size() || text[i + 3] != ' ')
        return std::nullopt;
    d.day = *day;
    const auto month = month_number(text.substr(i, 3));
    if (!month)
        return std::nullopt;
    d.month = *month;
    i += 4;
    const auto year = digits(4);
    if (!year || !take(' '))
        return std::nullopt;
    d.year = *year;
    const auto hour = digits(2);
    if (!hour || !take(':'))
        return std::nullopt;
    const auto minute = digits(2);
    if (!minute || !take(':'))
        return std::nullopt;
    const auto second = digits(2);
    if (!second || !take(' ') || i >= text.size() || (text[i] != '+' && text[i] != '-'))
        return std::nullopt;
    const bool west = text[i++] == '-';
    const auto zone = digits(4);
    if (!zone || (i < text.size() && text[i] != ' ') || *zone / 100 > 23 || *zone % 100 > 59)
        return std::nullopt;
    d.hour = *hour;
    d.minute = *minute;
    d.second = *second;
    d.zone = (*zone / 100 * 60 + *zone % 100) * (west ? -1 : 1);
    return d;
}

} // namespace

std::optional<std::int64_t> parse_mail_date(std::string_view text)
{
    // Dates are short; anything long is not one, and the bound keeps the work trivial.
    if (text.size() > 200)
        text = text.substr(0, 200);
    if (const auto d = read_usual_form(text))
        return epoch_seconds(d->year, d->month, d->day, d->hour, d->minute, d->second, d->zone);

    std::optional<int> month;
    std::optional<int> hour, minute, second;
    std::optional<int> zone;
    std::array<Number, 4> numbers{};
    std::size_t number_count = 0;
    bool iso_date = false;
    int iso_year = 0, iso_month = 0, iso_day = 0;

    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '(') {
            // A trailing comment such as "(EST)" or "(UTC)" only repeats the zone.
            break;
        }
        if (is_alpha(c)) {
            std::size_t j = i;
            while (j < text.size() && is_alpha(text[j]))
                ++j;
            const std::string_view word = text.substr(i, j - i);
            if (!month)
                if (auto m = month_number(word); m && word.size() <= 9)
                    month = m;
            if (!zone && hour)
                if (auto z = zone_minutes(word))
                    zone = z;
            i = j;
            continue;
        }
        if ((c == '+' || c == '-') && hour && !zone && i + 1 < text.size() &&
            is_digit(text[i + 1])) {
            std::size_t j = i + 1;
            int value = 0;
            std::size_t digits = 0;
            while (j < text.size() && (is_digit(text[j]) || text[j] == ':') && digits < 4) {
                if (text[j] != ':') {
                    value = value * 10 + (text[j] - '0');
                    ++digits;
                }
                ++j;
            }
            if (digits == 4) {
                const int minutes = (value / 100) * 60 + value % 100;
                if (value / 100 <= 23 && value % 100 <= 59)
                    zone = c == '-' ? -minutes : minutes;
            } else if (digits <= 2) {
                zone = (c == '-' ? -1 : 1) * value * 60;
            }
            i = j;
            continue;
        }
        if (is_digit(c)) {
            std::size_t j = i;
            std::int64_t value = 0;
            while (j < text.size() && is_digit(text[j]) && j - i < 9) {
                value = value * 10 + (text[j] - '0');
                ++j;
            }
            while (j < text.size() && is_digit(text[j]))
                ++j; // absurdly long numbers: keep only their head, they fail range checks
            const std::size_t digits = j - i;
            if (j < text.size() && text[j] == ':' && !hour) {
                // h:m[:s][.frac]
                hour = static_cast<int>(value);
                std::size_t k = j + 1;
                int part = 0, part_digits = 0;
                while (k < text.size() && is_digit(text[k]) && part_digits < 2) {
                    part = part * 10 + (text[k] - '0');
                    ++part_digits;
                    ++k;
                }
                if (part_digits == 0)
                    return std::nullopt;
                minute = part;
                if (k < text.size() && text[k] == ':') {
                    ++k;
                    part = 0;
                    part_digits = 0;
                    while (k < text.size() && is_digit(text[k]) && part_digits < 2) {
                        part = part * 10 + (text[k] - '0');
                        ++part_digits;
                        ++k;
                    }
                    second = part_digits > 0 ? part : 0;
                }
                if (k < text.size() && (text[k] == '.' || text[k] == ',')) {
                    ++k;
                    while (k < text.size() && is_digit(text[k]))
                        ++k;
                }
                i = k;
                continue;
            }
            if (digits == 4 && j < text.size() && text[j] == '-' && !month && !iso_date) {
                // 2003-03-07: ISO order, written by a few gateways.
                std::size_t k = j + 1;
                int mm = 0, dd = 0, n = 0;
                while (k < text.size() && is_digit(text[k]) && n < 2)
                    mm = mm * 10 + (text[k++] - '0'), ++n;
                if (n > 0 && k < text.size() && text[k] == '-') {
                    ++k;
                    n = 0;
                    while (k < text.size() && is_digit(text[k]) && n < 2)
                        dd = dd * 10 + (text[k++] - '0'), ++n;
                    if (n > 0) {
                        iso_date = true;
                        iso_year = static_cast<int>(value);
                        iso_month = mm;
                        iso_day = dd;
                        i = k;
                        if (i < text.size() && (text[i] == 'T' || text[i] == 't'))
                            ++i;
                        continue;
                    }
                }
            }
            if (number_count < numbers.size())
                numbers[number_count++] = {value, digits};
            i = j;
            continue;
        }
        ++i;
    }

    std::int64_t year = 0;
    int day = 0;
    if (iso_date) {
        year = iso_year;
        month = iso_month;
        day = iso_day;
    } else {
        if (!month)
            return std::nullopt;
        // Of the bare numbers, the day is the first one that can be a day and is not written
        // with four digits; the year is the other one.
        std::optional<std::size_t> day_at, year_at;
        for (std::size_t k = 0; k < number_count; ++k) {
            const auto& n = numbers[k];
            if (!day_at && n.digits <= 2 && n.value >= 1 && n.value <= 31)
                day_at = k;
            else if (!year_at)
                year_at = k;
        }
        if (!day_at || !year_at)
            return std::nullopt;
        day = static_cast<int>(numbers[*day_at].value);
        const auto& y = numbers[*year_at];
        year = y.value;
        if (y.digits <= 2)
            year += year < 50 ? 2000 : 1900; // RFC 5322 section 4.3
        else if (y.digits == 3)
            year += 1900;
    }
    if (!hour || !minute)
        return std::nullopt;
    return epoch_seconds(year, *month, day, *hour, *minute, second.value_or(0), zone.value_or(0));
}

namespace detail {

std::size_t date_cut(std::string_view text)
{
    const std::size_t none = text.size();
    // Walks back over the pieces; `p` is always the offset just past the piece still to read.
    const std::size_t last_space = text.rfind(' ');
    if (last_space == std::string_view::npos || last_space + 1 == text.size())
        return none;
    std::size_t p = last_space;
    auto digits_back = [&] {
        const std::size_t end = p;
        while (p > 0 && is_digit(text[p - 1]))
            --p;
        return p < end;
    };
    auto char_back = [&](char c) {
        if (p > 0 && text[p - 1] == c) {
            --p;
            return true;
        }
        return false;
    };
    // The names are three letters: compared as one number each.
    auto one_of_back = [&](std::initializer_list<std::string_view> words) {
        if (p < 3)
            return false;
        auto key = [](std::string_view w) {
            return static_cast<unsigned char>(w[0]) << 16 | static_cast<unsigned char>(w[1]) << 8 |
                   static_cast<unsigned char>(w[2]);
        };
        const auto here = key(text.substr(p - 3, 3));
        for (auto w : words)
            if (key(w) == here) {
                p -= 3;
                return true;
            }
        return false;
    };
    // h:m[:s]
    if (!digits_back() || !char_back(':') || !digits_back())
        return none;
    if (p > 0 && text[p - 1] == ':') {
        --p;
        if (!digits_back())
            return none;
    }
    if (!char_back(' ') || !digits_back() || !char_back(' ') ||
        !one_of_back({"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec"}) ||
        !char_back(' ') || !digits_back())
        return none;
    // An optional "Day, " in front; the match must then still start with a space or ';'.
    const std::size_t before_day = p;
    if (!(char_back(' ') && char_back(',') &&
          one_of_back({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}) && p > 0 &&
          (text[p - 1] == ' ' || text[p - 1] == ';')))
        p = before_day;
    if (p == 0 || (text[p - 1] != ' ' && text[p - 1] != ';'))
        return none;
    while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == ';'))
        --p;
    return p;
}

} // namespace detail

} // namespace fightback::trace
