// Normalising and validating published mail addresses; the registry placeholder rules.
#include "fightback/abuse/mailbox.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

constexpr std::size_t max_address = 254;
constexpr std::size_t max_local = 64;

bool is_atext(unsigned char c)
{
    if (std::isalnum(c))
        return true;
    constexpr std::string_view specials = "!#$%&'*+/=?^_`{|}~-";
    return specials.find(static_cast<char>(c)) != std::string_view::npos;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::string> local_part_problem(std::string_view local)
{
    if (local.empty())
        return "the part before @ is empty";
    if (local.size() > max_local)
        return "the part before @ is longer than 64 characters";
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return "misplaced dot before @";
    for (unsigned char c : local)
        if (c != '.' && !is_atext(c))
            return fmt::format("character '{}' is not allowed before @",
                               printable(std::string_view(reinterpret_cast<const char*>(&c), 1)));
    return std::nullopt;
}

std::optional<std::string> domain_problem(std::string_view domain)
{
    if (domain.empty())
        return "no domain after @";
    if (domain.size() > 253)
        return "the domain is too long";
    int labels = 0;
    bool all_digits_last = false;
    while (!domain.empty()) {
        auto dot = domain.find('.');
        auto label = domain.substr(0, dot);
        if (label.empty() || label.size() > 63)
            return "the domain has an empty or over-long label";
        if (label.front() == '-' || label.back() == '-')
            return "a domain label starts or ends with '-'";
        all_digits_last = true;
        for (unsigned char c : label) {
            if (!std::isalnum(c) && c != '-')
                return "the domain is not a host name (letters, digits, '-', dots)";
            if (!std::isdigit(c))
                all_digits_last = false;
        }
        ++labels;
        domain = dot == std::string_view::npos ? std::string_view{} : domain.substr(dot + 1);
    }
    if (labels < 2)
        return "the domain has no dot";
    if (all_digits_last)
        return "the domain ends in a numeric label";
    return std::nullopt;
}

struct Placeholder {
    std::string_view address;
    std::string_view why;
};

constexpr std::array<Placeholder, 5> known_placeholders{{
    {"search-apnic-not-arin@apnic.net", "ARIN's pointer to APNIC's database, not a contact"},
    {"hostmaster@ripe.net", "the RIPE NCC's registration desk, not an abuse desk"},
    {"ripe-dbm@ripe.net", "the RIPE database robot"},
    {"hm-changed@apnic.net", "APNIC's change-log address"},
    {"abuse@iana.org", "IANA answers for no network"},
}};

} // namespace

Expected<std::string> normalize_mailbox(std::string_view raw)
{
    for (unsigned char c : raw)
        if (c < 0x20 || c == 0x7f)
            return fail(ErrorKind::invalid,
                        fmt::format("'{}' contains control characters", printable(raw)));
    std::string_view s = trim(raw);
    if (s.size() > 512)
        return fail(ErrorKind::limit, "the address is longer than 512 characters");
    if (s.size() >= 7 && iequals(s.substr(0, 7), "mailto:"))
        s = trim(s.substr(7));
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>')
        s = trim(s.substr(1, s.size() - 2));
    if (auto q = s.find('?'); q != std::string_view::npos) // mailto: query (?subject=...)
        s = s.substr(0, q);
    auto at = s.rfind('@');
    if (at == std::string_view::npos)
        return fail(ErrorKind::invalid, fmt::format("'{}' has no @", printable(s)));
    auto local = s.substr(0, at);
    auto domain = s.substr(at + 1);
    while (!domain.empty() && domain.back() == '.')
        domain.remove_suffix(1);
    if (auto p = local_part_problem(local))
        return fail(ErrorKind::invalid, fmt::format("'{}': {}", printable(s), *p));
    std::string host = lower(domain);
    if (auto p = domain_problem(host))
        return fail(ErrorKind::invalid, fmt::format("'{}': {}", printable(s), *p));
    std::string out = fmt::format("{}@{}", local, host);
    if (out.size() > max_address)
        return fail(ErrorKind::invalid, "the address is longer than 254 characters");
    return out;
}

std::string mailbox_key(std::string_view normalized)
{
    return lower(normalized);
}

std::string_view mailbox_domain(std::string_view normalized)
{
    auto at = normalized.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : normalized.substr(at + 1);
}

std::vector<std::string> mailboxes_in_text(std::string_view text, std::size_t limit)
{
    std::vector<std::string> out;
    auto is_word = [](unsigned char c) { return is_atext(c) || c == '.' || c == '@'; };
    std::size_t i = 0;
    while (i < text.size() && out.size() < limit) {
        auto at = text.find('@', i);
        if (at == std::string_view::npos)
            break;
        std::size_t begin = at, end = at + 1;
        while (begin > 0 && is_word(static_cast<unsigned char>(text[begin - 1])) &&
               text[begin - 1] != '@')
            --begin;
        while (end < text.size() && is_word(static_cast<unsigned char>(text[end])) &&
               text[end] != '@')
            ++end;
        auto word = text.substr(begin, end - begin);
        while (!word.empty() && (word.back() == '.' || word.back() == '-'))
            word.remove_suffix(1); // sentence punctuation
        if (word.size() > 2 && word.front() != '@' && word.back() != '@')
            out.emplace_back(word);
        i = end;
    }
    return out;
}

std::optional<std::string> placeholder_reason(std::string_view normalized, RegistryId answered_by,
                                              RegistryId space_holder)
{
    const std::string key = mailbox_key(normalized);
    for (const auto& p : known_placeholders)
        if (key == p.address)
            return std::string(p.why);
    const std::string_view local = std::string_view(key).substr(0, key.rfind('@'));
    if (local.starts_with("search-") && local.find("-not-") != std::string_view::npos)
        return "a pointer to another registry's database, not a contact";
    if (key.find("redacted") != std::string::npos || key.find("not.disclosed") != std::string::npos)
        return "a redacted placeholder, not a mailbox";
    auto owner = registry_for_mail_domain(mailbox_domain(key));
    if (owner == RegistryId::iana)
        return "IANA answers for no network";
    if (owner != RegistryId::unknown && (answered_by != owner || space_holder != owner))
        return fmt::format("{}'s own mailbox, for space {} does not hold itself",
                           registry_name(owner), registry_name(owner));
    return std::nullopt;
}

} // namespace fightback::abuse
