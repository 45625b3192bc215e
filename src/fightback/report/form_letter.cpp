// Template parsing into literal and placeholder pieces, checked once at load.
#include "fightback/report/form_letter.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "fightback/util/file.hpp"
#include "fightback/util/text.hpp"

namespace fightback::report {
namespace {

constexpr std::array<std::string_view, 17> known_names{
    "source_ip",       "arrival_date",   "detection",     "what_arrived",  "feedback_type",
    "incidents",       "first_date",     "last_date",     "incident_list", "period",
    "reporter_name",   "reporter_address", "reply_to",    "reported_domain",
    "original_message_id", "attachment_note", "user_agent",
};

constexpr std::string_view builtin_text =
    R"(Dear abuse team,

The host {{source_ip}}, on a network you are responsible for, sent us
{{what_arrived}}.
The latest copy arrived on {{arrival_date}}.

{{incident_list}}
The Received header naming {{source_ip}} was written by our own mail server, so the
address was not taken from anything the sender wrote. {{attachment_note}}

The details follow in the standard Abuse Reporting Format (ARF, RFC 5965), which
most abuse desks can read automatically. Please look into this host: a machine that
sends such mail is usually infected or misused without its owner knowing.

We send at most one report a day about one address, however many copies arrive.
Replies to this message reach {{reply_to}}.

Regards,
{{reporter_name}}
-- 
Sent by {{user_agent}}
)";

} // namespace

std::span<const std::string_view> letter_placeholders()
{
    return known_names;
}

Expected<FormLetter> FormLetter::parse(std::string_view text, std::string_view origin)
{
    FormLetter letter;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            letter.m_pieces.push_back({false, std::string(text.substr(pos))});
            break;
        }
        if (open > pos)
            letter.m_pieces.push_back({false, std::string(text.substr(pos, open - pos))});
        auto close = text.find("}}", open + 2);
        if (close == std::string_view::npos)
            return fail(ErrorKind::parse, fmt::format("{}: '{{{{' without '}}}}'", origin));
        std::string_view name = text.substr(open + 2, close - open - 2);
        while (!name.empty() && name.front() == ' ')
            name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ')
            name.remove_suffix(1);
        if (std::find(known_names.begin(), known_names.end(), name) == known_names.end())
            return fail(ErrorKind::invalid,
                        fmt::format("{}: unknown placeholder {{{{{}}}}}", origin,
                                    printable(name)));
        letter.m_pieces.push_back({true, std::string(name)});
        pos = close + 2;
    }
    return letter;
}

Expected<FormLetter> FormLetter::load(const std::filesystem::path& path)
{
    auto text = read_file(path, 64u << 10);
    if (!text)
        return std::unexpected(text.error());
    return parse(*text, path.string());
}

const FormLetter& FormLetter::builtin()
{
    static const FormLetter letter = *parse(builtin_text, "the built-in letter");
    return letter;
}

std::string FormLetter::render(const std::map<std::string, std::string, std::less<>>& values) const
{
    std::string out;
    for (const auto& piece : m_pieces) {
        if (!piece.is_placeholder) {
            out += piece.text;
            continue;
        }
        if (auto it = values.find(piece.text); it != values.end())
            out += it->second;
    }
    return out;
}

} // namespace fightback::report
