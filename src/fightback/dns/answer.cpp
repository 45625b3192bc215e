// Names for record types and failure kinds, and the one-line rendering --explain prints.
#include "fightback/dns/answer.hpp"

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::dns {

std::string_view type_name(RecordType type)
{
    switch (type) {
    case RecordType::a: return "A";
    case RecordType::cname: return "CNAME";
    case RecordType::soa: return "SOA";
    case RecordType::ptr: return "PTR";
    case RecordType::mx: return "MX";
    case RecordType::txt: return "TXT";
    case RecordType::aaaa: return "AAAA";
    }
    return "?";
}

std::string type_name(std::uint16_t type)
{
    switch (static_cast<RecordType>(type)) {
    case RecordType::a:
    case RecordType::cname:
    case RecordType::soa:
    case RecordType::ptr:
    case RecordType::mx:
    case RecordType::txt:
    case RecordType::aaaa:
        return std::string(type_name(static_cast<RecordType>(type)));
    }
    return fmt::format("TYPE{}", type);
}

std::string_view kind_name(DnsErrorKind kind)
{
    switch (kind) {
    case DnsErrorKind::nxdomain: return "NXDOMAIN";
    case DnsErrorKind::nodata: return "NODATA";
    case DnsErrorKind::servfail: return "SERVFAIL";
    case DnsErrorKind::refused: return "REFUSED";
    case DnsErrorKind::timeout: return "timeout";
    case DnsErrorKind::unreachable: return "unreachable";
    case DnsErrorKind::bad_answer: return "bad answer";
    case DnsErrorKind::bad_name: return "bad name";
    case DnsErrorKind::failed: return "failed";
    }
    return "?";
}

Error to_error(const DnsError& error)
{
    ErrorKind kind = ErrorKind::temporary;
    switch (error.kind) {
    case DnsErrorKind::nxdomain:
    case DnsErrorKind::nodata: kind = ErrorKind::not_found; break;
    case DnsErrorKind::bad_answer: kind = ErrorKind::parse; break;
    case DnsErrorKind::bad_name: kind = ErrorKind::invalid; break;
    default: break;
    }
    return Error{kind, error.message};
}

std::string describe(const Query& query, const DnsResult& result)
{
    std::string out = fmt::format("{} {}: ", type_name(query.type), query.name);
    if (!result) {
        const DnsError& e = result.error();
        out += kind_name(e.kind);
        if (!e.message.empty() && e.kind != DnsErrorKind::nxdomain &&
            e.kind != DnsErrorKind::nodata)
            out += fmt::format(" ({})", e.message);
        if (e.negative_ttl)
            out += fmt::format(" (negative ttl {})", *e.negative_ttl);
        if (e.from_cache)
            out += " [cached]";
        return printable(out);
    }
    const Answer& a = *result;
    std::vector<std::string> items;
    for (const auto& ip : a.addresses)
        items.push_back(ip.to_string());
    for (const auto& n : a.names)
        items.push_back(n);
    for (const auto& mx : a.mx)
        items.push_back(fmt::format("{} {}", mx.preference, mx.is_null() ? "." : mx.exchange));
    for (const auto& t : a.texts)
        items.push_back(fmt::format("\"{}\"", t));
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + items[i];
    out += fmt::format(" (ttl {})", a.ttl);
    for (const auto& r : a.rejected)
        out += fmt::format("; refused a record: {}", r);
    if (a.from_cache)
        out += " [cached]";
    return printable(out);
}

} // namespace fightback::dns
