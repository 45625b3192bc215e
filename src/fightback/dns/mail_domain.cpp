// The walk. All MX look-ups for the names on the way, and the A/AAAA look-ups for the
// registrable domain, go out in one batch; the answers are then read in walk order, so the
// result is the one a one-at-a-time walk would give, in one round trip instead of several.
#include "fightback/dns/mail_domain.hpp"

#include <fmt/format.h>

#include "fightback/dns/name.hpp"

namespace fightback::dns {
namespace {

std::string failure_text(const DnsError& e)
{
    if (e.is_negative() || e.message.empty())
        return std::string(kind_name(e.kind));
    return fmt::format("{}: {}", kind_name(e.kind), e.message);
}

} // namespace

MailDomain find_mail_domain(Resolver& resolver, const PublicSuffixList& suffixes,
                            std::string_view host_name)
{
    MailDomain out;
    auto host = normalize_name(host_name, NameRules::hostname);
    if (!host) {
        out.reason = fmt::format("not a hostname: {}", host.error().message);
        return out;
    }
    out.host_name = *host;
    auto registrable = suffixes.registrable_domain(*host);
    if (!registrable) {
        out.reason = fmt::format("{} is a public suffix: there is no domain to complain to", *host);
        return out;
    }
    out.registrable = *registrable;

    std::vector<std::string> names;
    for (std::string_view n = *host;;) {
        names.emplace_back(n);
        if (n == *registrable)
            break;
        auto parent = parent_name(n);
        if (!parent)
            break; // cannot happen: the registrable domain is a suffix of the name
        n = *parent;
    }
    if (names.size() > max_walk_names)
        names.erase(names.begin(), names.end() - static_cast<std::ptrdiff_t>(max_walk_names));

    std::vector<Query> queries;
    for (const auto& n : names)
        queries.push_back(Query{n, RecordType::mx});
    queries.push_back(Query{*registrable, RecordType::a});
    queries.push_back(Query{*registrable, RecordType::aaaa});
    auto results = resolver.resolve_many(queries);

    for (std::size_t i = 0; i < names.size(); ++i) {
        out.lookups.push_back({queries[i], results[i]});
        const DnsResult& mx = results[i];
        if (mx) {
            for (const auto& record : mx->mx) {
                if (record.is_null()) {
                    out.reason = fmt::format(
                        "{} publishes a null MX (RFC 7505): it accepts no mail", names[i]);
                    return out;
                }
            }
            out.domain = names[i];
            out.reason = names[i] == *host ? fmt::format("{} has an MX record", names[i])
                                           : fmt::format("{} has an MX record (walked up from {})",
                                                         names[i], *host);
            return out;
        }
        const DnsError& e = mx.error();
        if (e.is_negative())
            continue;
        out.temporary = e.is_temporary();
        out.reason = fmt::format("the MX look-up for {} failed ({}); the walk stops there",
                                 names[i], failure_text(e));
        return out;
    }

    const std::size_t a = names.size();
    bool has_address = false;
    const DnsError* failure = nullptr;
    for (std::size_t i = a; i < a + 2; ++i) {
        out.lookups.push_back({queries[i], results[i]});
        if (results[i])
            has_address = true;
        else if (!results[i].error().is_negative() && !failure)
            failure = &results[i].error();
    }
    if (has_address) {
        out.domain = *registrable;
        out.reason = fmt::format("no MX from {} up to {}; {} has an address record "
                                 "(implicit MX, RFC 5321)",
                                 *host, *registrable, *registrable);
        return out;
    }
    if (failure) {
        out.temporary = failure->is_temporary();
        out.reason = fmt::format("no MX from {} up to {}, and the address look-up for {} "
                                 "failed ({})",
                                 *host, *registrable, *registrable, failure_text(*failure));
        return out;
    }
    out.reason = fmt::format("no MX from {} up to {}, and {} has no A/AAAA record", *host,
                             *registrable, *registrable);
    return out;
}

MailDomain find_sender_domain(Resolver& resolver, const PublicSuffixList& suffixes,
                              const net::IpAddress& address)
{
    ConfirmedReverse reverse = confirm_reverse(resolver, address);
    if (!reverse.name) {
        MailDomain out;
        out.reason = reverse.reason;
        out.temporary = reverse.temporary;
        out.lookups = std::move(reverse.lookups);
        return out;
    }
    MailDomain out = find_mail_domain(resolver, suffixes, *reverse.name);
    out.lookups.insert(out.lookups.begin(), reverse.lookups.begin(), reverse.lookups.end());
    return out;
}

} // namespace fightback::dns
