// RDAP and WHOIS answers turned into scored evidence.
#include "fightback/abuse/registry_answer.hpp"

#include <fmt/format.h>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

std::string who(RegistryId id, std::string_view host)
{
    auto name = registry_name(id);
    return name.empty() ? std::string(host) : std::string(name);
}

std::string range_text(const std::optional<IpRange>& range)
{
    return range ? range->to_string() : std::string("this address");
}

void add_remarks(RegistryAnswer& out, const std::vector<std::string>& mailboxes, Source source,
                 std::string_view where)
{
    for (const auto& m : mailboxes)
        out.evidence.push_back({m, source, score_remark,
                                fmt::format("written in a remark at {}, not a published abuse "
                                            "contact (fallback)",
                                            where)});
}

std::optional<Source> source_named(std::string_view name)
{
    for (Source s : {Source::rdap, Source::rdap_remarks, Source::whois, Source::whois_remarks,
                     Source::dns_zone, Source::domain})
        if (source_name(s) == name)
            return s;
    return std::nullopt;
}

} // namespace

bool RegistryAnswer::has_abuse_mailbox() const
{
    for (const auto& e : evidence) {
        if (e.source != Source::rdap && e.source != Source::whois)
            continue;
        auto m = normalize_mailbox(e.address);
        if (m && !placeholder_reason(*m, answered_by, space_holder))
            return true;
    }
    return false;
}

RegistryAnswer answer_from_rdap(const RdapNetwork& network, std::string_view host)
{
    RegistryAnswer out;
    out.registry = std::string(host);
    out.answered_by = registry_for_host(host);
    out.space_holder = network.holder;
    out.range = network.range;
    // LACNIC's handles are the range itself: no name then.
    const std::string& name = network.name.empty() ? network.handle : network.name;
    if (!network.range || name != network.range->to_string())
        out.network_name = printable(std::string_view(name).substr(0, 100));
    out.notes = network.notes;
    const std::string reg = who(out.answered_by, host);
    for (const auto& entity : network.abuse) {
        const int primary = entity.depth == 0 ? score_rdap_direct : score_rdap_nested;
        const std::string handle = entity.handle.empty() ? "(no handle)" : printable(entity.handle);
        if (entity.emails.empty())
            out.notes.push_back(fmt::format("{}: abuse entity {} has no e-mail", reg, handle));
        for (std::size_t i = 0; i < entity.emails.size(); ++i) {
            const auto& e = entity.emails[i];
            std::string detail = e.typed_abuse ? ", type=abuse"
                                 : e.pref      ? fmt::format(", pref={}", *e.pref)
                                               : "";
            out.evidence.push_back(
                {e.value, Source::rdap, i == 0 ? primary : score_secondary,
                 fmt::format("{} RDAP: {} of abuse entity {}{}{}", reg,
                             i == 0 ? "e-mail" : "further e-mail", handle,
                             entity.depth > 0 ? " (nested)" : "", detail)});
        }
    }
    if (network.abuse.empty())
        out.notes.push_back(fmt::format("{} published no abuse contact for {}", reg,
                                        range_text(network.range)));
    if (out.evidence.empty())
        add_remarks(out, network.remark_mailboxes, Source::rdap_remarks, reg + " RDAP");
    return out;
}

RegistryAnswer answer_from_whois(const WhoisAnswer& answer, std::string_view server)
{
    RegistryAnswer out;
    out.registry = std::string(server);
    out.answered_by = registry_for_host(server);
    out.space_holder = answer.holder;
    out.range = answer.range;
    out.network_name = answer.netname;
    const std::string reg = who(out.answered_by, server);
    for (const auto& c : answer.contacts)
        out.evidence.push_back({c.address, Source::whois, c.strength,
                                fmt::format("{} WHOIS {}: {}", reg, server, c.field)});
    if (answer.no_abuse_registered)
        out.notes.push_back(fmt::format("{} WHOIS: no abuse contact registered for {}", reg,
                                        range_text(answer.range)));
    else if (answer.contacts.empty())
        out.notes.push_back(fmt::format("{} WHOIS names no abuse contact for {}", reg,
                                        range_text(answer.range)));
    if (out.evidence.empty())
        add_remarks(out, answer.remark_mailboxes, Source::whois_remarks,
                    fmt::format("{} WHOIS", reg));
    return out;
}

RegistryAnswer merge_answers(RegistryAnswer rdap, RegistryAnswer whois)
{
    const bool whois_leads = whois.has_abuse_mailbox();
    RegistryAnswer out = whois_leads ? std::move(whois) : std::move(rdap);
    RegistryAnswer other = whois_leads ? std::move(rdap) : std::move(whois);
    // The most specific range either gave; every note and piece of evidence is kept.
    if (!out.range || (other.range && other.range->span() < out.range->span())) {
        out.range = other.range;
        if (!other.network_name.empty())
            out.network_name = other.network_name;
    }
    if (out.network_name.empty())
        out.network_name = other.network_name;
    for (auto& e : other.evidence)
        out.evidence.push_back(std::move(e));
    for (auto& n : other.notes)
        out.notes.push_back(std::move(n));
    if (out.space_holder == RegistryId::unknown)
        out.space_holder = other.space_holder;
    if (out.registry.empty())
        out.registry = other.registry;
    return out;
}

nlohmann::json to_json(const RegistryAnswer& a)
{
    nlohmann::json evidence = nlohmann::json::array();
    for (const auto& e : a.evidence)
        evidence.push_back({{"address", e.address},
                            {"source", source_name(e.source)},
                            {"score", e.score},
                            {"reason", e.reason}});
    nlohmann::json j{{"registry", a.registry},
                     {"answered_by", static_cast<int>(a.answered_by)},
                     {"space_holder", static_cast<int>(a.space_holder)},
                     {"evidence", evidence},
                     {"notes", a.notes}};
    if (a.range)
        j["range"] = {a.range->first.to_string(), a.range->last.to_string()};
    if (!a.network_name.empty())
        j["name"] = a.network_name;
    return j;
}

std::optional<RegistryAnswer> registry_answer_from_json(const nlohmann::json& j)
{
    try {
        RegistryAnswer a;
        a.registry = j.at("registry").get<std::string>();
        auto by = j.at("answered_by").get<int>();
        auto holder = j.at("space_holder").get<int>();
        if (by < 0 || by > static_cast<int>(RegistryId::iana) || holder < 0 ||
            holder > static_cast<int>(RegistryId::iana))
            return std::nullopt;
        a.answered_by = static_cast<RegistryId>(by);
        a.space_holder = static_cast<RegistryId>(holder);
        for (const auto& e : j.at("evidence")) {
            auto source = source_named(e.at("source").get<std::string>());
            if (!source)
                return std::nullopt;
            a.evidence.push_back({e.at("address").get<std::string>(), *source,
                                  e.at("score").get<int>(), e.at("reason").get<std::string>()});
        }
        a.notes = j.at("notes").get<std::vector<std::string>>();
        if (auto n = j.find("name"); n != j.end())
            a.network_name = n->get<std::string>();
        if (auto r = j.find("range"); r != j.end()) {
            auto first = net::IpAddress::parse(r->at(0).get<std::string>());
            auto last = net::IpAddress::parse(r->at(1).get<std::string>());
            if (!first || !last)
                return std::nullopt;
            a.range = IpRange{*first, *last};
        }
        return a;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace fightback::abuse
