// FCrDNS: one PTR look-up, then the forward look-ups for all its names in one batch.
#include "fightback/dns/reverse_dns.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "fightback/dns/name.hpp"

namespace fightback::dns {

ConfirmedReverse confirm_reverse(Resolver& resolver, const net::IpAddress& address)
{
    ConfirmedReverse out;
    const std::string ip = address.to_string();
    Query ptr_query{reverse_name(address), RecordType::ptr};
    DnsResult ptr = resolver.resolve(ptr_query);
    out.lookups.push_back({ptr_query, ptr});
    if (!ptr) {
        const DnsError& e = ptr.error();
        out.temporary = e.is_temporary();
        out.reason = e.is_negative()
                         ? fmt::format("{} has no PTR record ({})", ip, kind_name(e.kind))
                         : fmt::format("the PTR look-up for {} failed: {}: {}", ip,
                                       kind_name(e.kind), e.message);
        return out;
    }

    std::vector<std::string> names = ptr->names;
    if (names.size() > max_ptr_names)
        names.resize(max_ptr_names);
    const RecordType forward = address.is_v4() ? RecordType::a : RecordType::aaaa;
    std::vector<Query> queries;
    for (const auto& n : names)
        queries.push_back(Query{n, forward});
    auto results = resolver.resolve_many(queries);

    bool any_temporary = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        out.lookups.push_back({queries[i], results[i]});
        ReverseName rn{names[i], false, {}};
        if (!results[i]) {
            const DnsError& e = results[i].error();
            any_temporary = any_temporary || e.is_temporary();
            rn.note = fmt::format("{}: {}", type_name(forward), kind_name(e.kind));
        } else if (std::ranges::find(results[i]->addresses, address) !=
                   results[i]->addresses.end()) {
            rn.confirmed = true;
            rn.note = fmt::format("resolves back to {}", ip);
        } else {
            std::string seen;
            for (const auto& a : results[i]->addresses)
                seen += (seen.empty() ? "" : ", ") + a.to_string();
            rn.note = fmt::format("resolves to {}, not {}", seen, ip);
        }
        if (rn.confirmed && !out.name)
            out.name = rn.name;
        out.names.push_back(std::move(rn));
    }
    if (out.name)
        return out;

    std::string detail;
    for (const auto& rn : out.names)
        detail += fmt::format("{}{} ({})", detail.empty() ? "" : ", ", rn.name, rn.note);
    for (const auto& why : ptr->rejected)
        detail += fmt::format("{}refused PTR record: {}", detail.empty() ? "" : "; ", why);
    out.temporary = any_temporary;
    out.reason = fmt::format("no PTR name of {} is forward-confirmed: {}", ip, detail);
    return out;
}

} // namespace fightback::dns
