// Checking and repairing UTF-8 by the table of well-formed byte sequences (Unicode 15,
// table 3-7). ASCII runs are copied in bulk: most text from mail is ASCII.
#include "fightback/util/utf8.hpp"

namespace fightback::utf8 {
namespace {

struct Lead {
    unsigned char length; // 0: never a lead byte
    unsigned char low;    // the range the second byte must be in
    unsigned char high;
};

constexpr Lead lead_of(unsigned char c)
{
    if (c < 0x80)
        return {1, 0, 0};
    if (c >= 0xC2 && c <= 0xDF)
        return {2, 0x80, 0xBF};
    if (c == 0xE0)
        return {3, 0xA0, 0xBF};
    if (c == 0xED)
        return {3, 0x80, 0x9F}; // no surrogates
    if (c >= 0xE1 && c <= 0xEF)
        return {3, 0x80, 0xBF};
    if (c == 0xF0)
        return {4, 0x90, 0xBF};
    if (c >= 0xF1 && c <= 0xF3)
        return {4, 0x80, 0xBF};
    if (c == 0xF4)
        return {4, 0x80, 0x8F}; // nothing above U+10FFFF
    return {0, 0, 0};
}

bool is_continuation(unsigned char c)
{
    return c >= 0x80 && c <= 0xBF;
}

} // namespace

std::size_t sequence_length(std::string_view text, std::size_t at, std::size_t* bad)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const Lead lead = lead_of(byte(at));
    std::size_t valid = 0; // bytes of a well-formed prefix
    if (lead.length == 1 && byte(at) != 0)
        return 1;
    if (lead.length >= 2) {
        valid = 1;
        if (at + 1 < text.size() && byte(at + 1) >= lead.low && byte(at + 1) <= lead.high) {
            valid = 2;
            while (valid < lead.length && at + valid < text.size() &&
                   is_continuation(byte(at + valid)))
                ++valid;
        }
        if (valid == lead.length)
            return valid;
    }
    if (bad)
        *bad = valid == 0 ? 1 : valid;
    return 0;
}

bool is_clean(std::string_view text)
{
    for (std::size_t at = 0; at < text.size();) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c != 0 && c < 0x80) {
            ++at;
            continue;
        }
        const std::size_t n = sequence_length(text, at, nullptr);
        if (n == 0)
            return false;
        at += n;
    }
    return true;
}

void append_clean(std::string& out, std::string_view text)
{
    std::size_t run = 0; // start of the well-formed run not yet copied
    std::size_t at = 0;
    while (at < text.size()) {
        const auto c = static_cast<unsigned char>(text[at]);
        if (c != 0 && c < 0x80) {
            ++at;
            continue;
        }
        std::size_t bad = 0;
        const std::size_t n = sequence_length(text, at, &bad);
        if (n > 0) {
            at += n;
            continue;
        }
        out.append(text.substr(run, at - run));
        out.append(replacement);
        at += bad;
        run = at;
    }
    out.append(text.substr(run));
}

std::string clean(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    append_clean(out, text);
    return out;
}

std::string_view truncate(std::string_view text, std::size_t max_bytes)
{
    if (text.size() <= max_bytes)
        return text;
    std::size_t end = max_bytes;
    // Back off over continuation bytes to the start of the character that was cut.
    while (end > 0 && is_continuation(static_cast<unsigned char>(text[end])))
        --end;
    return text.substr(0, end);
}

} // namespace fightback::utf8
