// The spam-header reader: a few fixed shapes tried in order, numbers read with from_chars.
#include "fightback/scan/spam_headers.hpp"

#include <charconv>
#include <cmath>

#include "fightback/util/text.hpp"

namespace fightback::scan {
namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// A number at the start of `s` (leading spaces skipped); `s` moves past it.
std::optional<double> take_number(std::string_view& s)
{
    s = trim(s);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    double value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || !std::isfinite(value))
        return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return value;
}

std::optional<bool> leading_word(std::string_view s)
{
    std::size_t n = 0;
    while (n < s.size() && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
        ++n;
    const auto word = s.substr(0, n);
    if (n < s.size() && s[n] != ',' && s[n] != ';' && s[n] != ' ' && s[n] != '\t')
        return std::nullopt;
    if (iequals(word, "yes") || iequals(word, "true"))
        return true;
    if (iequals(word, "no") || iequals(word, "false"))
        return false;
    return std::nullopt;
}

std::optional<double> keyed_number(std::string_view s, std::string_view key)
{
    for (std::size_t pos = 0; (pos = s.find(key, pos)) != std::string_view::npos; pos += key.size()) {
        if (pos > 0 && s[pos - 1] != ' ' && s[pos - 1] != '\t' && s[pos - 1] != ',' && s[pos - 1] != ';')
            continue;
        auto rest = s.substr(pos + key.size());
        if (auto n = take_number(rest))
            return n;
    }
    return std::nullopt;
}

// rspamd: "METRIC: True [12.40 / 15.00]..."
bool read_rspamd(std::string_view s, SpamReading& out)
{
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 64)
        return false;
    for (char c : s.substr(0, colon))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    auto rest = trim(s.substr(colon + 1));
    auto flag = leading_word(rest);
    if (!flag)
        return false;
    const auto open = rest.find('[');
    if (open == std::string_view::npos)
        return false;
    rest = rest.substr(open + 1);
    auto score = take_number(rest);
    rest = trim(rest);
    if (!score || rest.empty() || rest.front() != '/')
        return false;
    rest.remove_prefix(1);
    auto required = take_number(rest);
    if (!required)
        return false;
    out.flag = flag;
    out.score = score;
    out.required = required;
    return true;
}

} // namespace

SpamReading read_spam_header(std::string_view value)
{
    SpamReading out;
    const auto s = trim(value.substr(0, 4096));
    if (s.empty())
        return out;
    // Bars: "*****" (SpamAssassin's level), "+++++" or "-----" (rspamd's bar).
    for (char bar : {'*', '+', '-'})
        if (s.find_first_not_of(bar) == std::string_view::npos) {
            out.score = (bar == '-' ? -1.0 : 1.0) * static_cast<double>(s.size());
            return out;
        }
    if (read_rspamd(s, out))
        return out;
    out.flag = leading_word(s);
    out.score = keyed_number(s, "score=");
    if (!out.score)
        out.score = keyed_number(s, "hits=");
    out.required = keyed_number(s, "required=");
    if (!out.flag && !out.score) {
        auto rest = s;
        if (auto n = take_number(rest); n && trim(rest).empty())
            out.score = n;
    }
    return out;
}

} // namespace fightback::scan
