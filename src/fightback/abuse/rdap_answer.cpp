// RDAP answer reading. Entities are walked iteratively with explicit bounds so a hostile
// server cannot exhaust the stack or the clock.
#include "fightback/abuse/rdap_answer.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

// Nesting depth of the JSON text, counted outside strings; false past `limit`.
bool depth_within(std::string_view text, std::size_t limit)
{
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"')
            in_string = true;
        else if (c == '{' || c == '[') {
            if (++depth > limit)
                return false;
        } else if ((c == '}' || c == ']') && depth > 0)
            --depth;
    }
    return true;
}

std::string string_member(const nlohmann::json& object, const char* key)
{
    auto it = object.find(key);
    if (it != object.end() && it->is_string())
        return it->get<std::string>();
    return {};
}

bool has_role(const nlohmann::json& entity, std::string_view role)
{
    auto roles = entity.find("roles");
    if (roles == entity.end() || !roles->is_array())
        return false;
    return std::any_of(roles->begin(), roles->end(), [&](const nlohmann::json& r) {
        return r.is_string() && iequals(r.get<std::string>(), role);
    });
}

std::optional<std::string> self_link(const nlohmann::json& object)
{
    auto links = object.find("links");
    if (links == object.end() || !links->is_array())
        return std::nullopt;
    for (const auto& link : *links) {
        if (!link.is_object() || string_member(link, "rel") != "self")
            continue;
        auto href = string_member(link, "href");
        if (href.starts_with("https://") || href.starts_with("http://"))
            return href;
    }
    return std::nullopt;
}

bool speaks_of_abuse(std::string_view line)
{
    std::string lower(line);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("abuse") != std::string::npos || lower.find("spam") != std::string::npos;
}

void collect_remarks(const nlohmann::json& object, std::vector<std::string>& out)
{
    auto remarks = object.find("remarks");
    if (remarks == object.end() || !remarks->is_array())
        return;
    for (const auto& remark : *remarks) {
        if (!remark.is_object())
            continue;
        auto desc = remark.find("description");
        if (desc == remark.end() || !desc->is_array())
            continue;
        for (const auto& line : *desc) {
            if (!line.is_string() || !speaks_of_abuse(line.get<std::string>()))
                continue;
            for (auto& m : mailboxes_in_text(line.get<std::string>()))
                if (out.size() < 16 && std::find(out.begin(), out.end(), m) == out.end())
                    out.push_back(std::move(m));
        }
    }
}

} // namespace

Expected<nlohmann::json> parse_rdap_body(std::string_view body)
{
    if (!depth_within(body, max_json_depth))
        return fail(ErrorKind::limit,
                    fmt::format("the answer nests deeper than {} levels", max_json_depth));
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded())
        return fail(ErrorKind::parse, "the answer is not JSON");
    if (!doc.is_object())
        return fail(ErrorKind::parse, "the answer is not a JSON object");
    if (auto code = doc.find("errorCode"); code != doc.end()) {
        std::string text = string_member(doc, "title");
        if (auto d = doc.find("description"); d != doc.end() && d->is_array())
            for (const auto& line : *d)
                if (line.is_string() && text.size() < 500)
                    text += (text.empty() ? "" : ": ") + line.get<std::string>();
        const bool missing = code->is_number_integer() && code->get<long long>() == 404;
        return fail(missing ? ErrorKind::not_found : ErrorKind::parse,
                    fmt::format("RDAP error {}: {}", code->dump(), printable(text.substr(0, 500))));
    }
    return doc;
}

Expected<RdapNetwork> read_ip_network(const nlohmann::json& answer)
{
    if (!answer.is_object())
        return fail(ErrorKind::parse, "the answer is not a JSON object");
    auto cls = string_member(answer, "objectClassName");
    if (!cls.empty() && cls != "ip network")
        return fail(ErrorKind::parse,
                    fmt::format("the answer is an '{}', not an 'ip network'", printable(cls)));
    RdapNetwork net;
    net.handle = string_member(answer, "handle");
    net.name = string_member(answer, "name");
    net.port43 = string_member(answer, "port43");
    auto start = parse_registry_address(string_member(answer, "startAddress"));
    auto end = parse_registry_address(string_member(answer, "endAddress"));
    if (start && end && start->family() == end->family() && !(*end < *start))
        net.range = IpRange{*start, *end};
    else
        net.notes.push_back("the answer names no usable startAddress/endAddress");

    struct Pending {
        const nlohmann::json* entity;
        int depth;
    };
    std::vector<Pending> stack;
    auto push_children = [&stack](const nlohmann::json& parent, int depth) {
        auto entities = parent.find("entities");
        if (entities == parent.end() || !entities->is_array())
            return;
        // Reverse so document order comes off the stack first.
        for (auto it = entities->rbegin(); it != entities->rend(); ++it)
            if (it->is_object())
                stack.push_back({&*it, depth});
    };
    push_children(answer, 0);
    std::size_t visited = 0;
    bool truncated = false;
    while (!stack.empty()) {
        Pending p = stack.back();
        stack.pop_back();
        if (++visited > max_entities) {
            truncated = true;
            break;
        }
        const auto& e = *p.entity;
        if (has_role(e, "abuse")) {
            AbuseEntity a;
            a.handle = string_member(e, "handle");
            a.depth = p.depth;
            if (auto v = e.find("vcardArray"); v != e.end())
                a.emails = jcard_emails(*v);
            if (a.emails.empty())
                a.self_url = self_link(e);
            net.abuse.push_back(std::move(a));
        }
        if (has_role(e, "registrant") && net.holder == RegistryId::unknown) {
            if (auto v = e.find("vcardArray"); v != e.end())
                if (auto fn = jcard_name(*v))
                    net.holder = registry_named(*fn);
        }
        collect_remarks(e, net.remark_mailboxes);
        if (p.depth + 1 < max_entity_nesting)
            push_children(e, p.depth + 1);
        else if (e.contains("entities"))
            truncated = true;
    }
    if (truncated)
        net.notes.push_back("entities nested too deep or too many: the rest were not read");
    collect_remarks(answer, net.remark_mailboxes);
    return net;
}

std::vector<JcardEmail> read_entity_emails(const nlohmann::json& entity)
{
    if (!entity.is_object())
        return {};
    auto v = entity.find("vcardArray");
    return v == entity.end() ? std::vector<JcardEmail>{} : jcard_emails(*v);
}

} // namespace fightback::abuse
