// Name checks. The reasons are written for a person reading --explain output, so they say which
// label and which octet; the octet itself is shown escaped, never raw.
#include "fightback/dns/name.hpp"

#include <vector>

#include <fmt/format.h>

namespace fightback::dns {
namespace {

bool is_letter_or_digit(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string show_octet(unsigned char c)
{
    if (c < 0x20 || c >= 0x7f)
        return fmt::format("\\x{:02x}", c);
    return fmt::format("'{}'", static_cast<char>(c));
}

std::string char_class(unsigned char c)
{
    if (c == '\r' || c == '\n')
        return "a line break (CR/LF)";
    if (c < 0x20 || c == 0x7f)
        return "a control character";
    if (c >= 0x80)
        return "a non-ASCII octet";
    return "a character no hostname may hold";
}

Expected<void> check_label(const std::string& label, std::size_t index, NameRules rules)
{
    if (label.empty())
        return fail(ErrorKind::invalid, fmt::format("label {} is empty", index + 1));
    if (label.size() > max_label_octets)
        return fail(ErrorKind::invalid, fmt::format("label {} is {} octets long (at most {})",
                                                    index + 1, label.size(), max_label_octets));
    for (unsigned char c : label) {
        if (is_letter_or_digit(c) || c == '-')
            continue;
        if (c == '_' && rules == NameRules::lookup)
            continue;
        return fail(ErrorKind::invalid, fmt::format("label {} holds {} ({})", index + 1,
                                                    char_class(c), show_octet(c)));
    }
    if (rules == NameRules::hostname && (label.front() == '-' || label.back() == '-'))
        return fail(ErrorKind::invalid,
                    fmt::format("label {} starts or ends with a hyphen", index + 1));
    return {};
}

} // namespace

Expected<std::string> check_labels(std::span<const std::string> labels, NameRules rules)
{
    if (labels.empty())
        return fail(ErrorKind::invalid, "the name is empty (the root)");
    std::size_t length = labels.size() - 1; // the dots
    for (const auto& label : labels)
        length += label.size();
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (auto ok = check_label(labels[i], i, rules); !ok)
            return std::unexpected(ok.error());
    if (length > max_name_octets)
        return fail(ErrorKind::invalid, fmt::format("the name is {} octets long (at most {})",
                                                    length, max_name_octets));
    if (rules == NameRules::hostname) {
        const std::string& top = labels.back();
        bool all_digits = true;
        for (unsigned char c : top)
            all_digits = all_digits && c >= '0' && c <= '9';
        if (all_digits)
            return fail(ErrorKind::invalid,
                        "the last label is all digits (an address, not a hostname)");
    }
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i)
            out += '.';
        for (char c : labels[i])
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

Expected<std::string> normalize_name(std::string_view text, NameRules rules)
{
    if (text.size() > max_name_octets + 1)
        return fail(ErrorKind::invalid, fmt::format("the name is {} octets long (at most {})",
                                                    text.size(), max_name_octets));
    if (!text.empty() && text.back() == '.')
        text.remove_suffix(1);
    std::vector<std::string> labels;
    if (!text.empty()) {
        std::size_t start = 0;
        while (true) {
            auto dot = text.find('.', start);
            labels.emplace_back(text.substr(start, dot - start));
            if (dot == std::string_view::npos)
                break;
            start = dot + 1;
        }
    }
    return check_labels(labels, rules);
}

std::string reverse_name(const net::IpAddress& address)
{
    const auto& b = address.bytes();
    if (address.is_v4())
        return fmt::format("{}.{}.{}.{}.in-addr.arpa", b[3], b[2], b[1], b[0]);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(32 * 2 + 8);
    for (int i = 15; i >= 0; --i) {
        out += hex[b[static_cast<std::size_t>(i)] & 0x0f];
        out += '.';
        out += hex[b[static_cast<std::size_t>(i)] >> 4];
        out += '.';
    }
    out += "ip6.arpa";
    return out;
}

std::optional<std::string_view> parent_name(std::string_view name)
{
    auto dot = name.find('.');
    if (dot == std::string_view::npos || dot + 1 >= name.size())
        return std::nullopt;
    return name.substr(dot + 1);
}

bool is_at_or_below(std::string_view name, std::string_view ancestor)
{
    if (name == ancestor)
        return true;
    return name.size() > ancestor.size() && name.ends_with(ancestor) &&
           name[name.size() - ancestor.size() - 1] == '.';
}

} // namespace fightback::dns
