// WHOIS answer reading: lines into `key: value` pairs, blank-line separated objects, sections
// per range; then the contacts of the most specific section.
#include "fightback/abuse/whois_answer.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

constexpr std::size_t max_lines = 20000;

struct Field {
    std::string key; // lower-case
    std::string value;
};
using Object = std::vector<Field>;

struct Section {
    std::optional<IpRange> range;
    std::string netname;
    std::vector<Object> objects;
    std::vector<WhoisContact> contacts; // from `% Abuse contact for` comments
};

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::optional<Field> split_field(std::string_view line)
{
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 40)
        return std::nullopt;
    auto key = line.substr(0, colon);
    for (char c : key)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            return std::nullopt;
    return Field{lower(key), std::string(trim(line.substr(colon + 1)))};
}

bool is_range_key(std::string_view key)
{
    return key == "inetnum" || key == "inet6num" || key == "netrange";
}

// "% Abuse contact for '62.239.237.0 - 62.239.237.255' is 'protect@bt.com'"
std::optional<std::string> abuse_comment(std::string_view line)
{
    auto low = lower(line);
    if (low.find("abuse contact for") == std::string::npos)
        return std::nullopt;
    auto is = low.rfind(" is '");
    if (is == std::string::npos)
        return std::nullopt;
    auto start = is + 5;
    auto end = line.find('\'', start);
    if (end == std::string_view::npos || end == start)
        return std::nullopt;
    return std::string(line.substr(start, end - start));
}

bool throttling_line(std::string_view line)
{
    auto low = lower(line);
    return low.find("%error:201") != std::string::npos ||
           low.find("access denied") != std::string::npos ||
           low.find("query rate limit exceeded") != std::string::npos ||
           low.find("excessive querying") != std::string::npos ||
           low.find("too many queries") != std::string::npos;
}

bool speaks_of_abuse(std::string_view line)
{
    auto low = lower(line);
    return low.find("abuse") != std::string::npos || low.find("spam") != std::string::npos;
}

// Contacts a section's objects name, strongest first; `handles` maps nic-hdl -> e-mails over
// the whole answer (LACNIC prints the abuse-c person after the network).
std::vector<WhoisContact> section_contacts(const Section& s,
                                           const std::map<std::string, Object>& handles)
{
    std::vector<WhoisContact> out = s.contacts;
    for (const auto& object : s.objects) {
        for (const auto& f : object) {
            if (f.value.empty())
                continue;
            if (f.key == "rabuseemail")
                out.push_back({f.value, "RAbuseEmail", 80});
            else if (f.key == "orgabuseemail")
                out.push_back({f.value, "OrgAbuseEmail", 75});
            else if (f.key == "abuse-mailbox")
                out.push_back({f.value, "abuse-mailbox", 75});
            else if (f.key == "abuse-c") {
                auto h = handles.find(lower(f.value));
                if (h == handles.end())
                    continue;
                for (const auto& hf : h->second)
                    if ((hf.key == "e-mail" || hf.key == "abuse-mailbox") && !hf.value.empty())
                        out.push_back({hf.value, "abuse-c " + f.value + " e-mail", 80});
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const WhoisContact& a, const WhoisContact& b) {
        return a.strength > b.strength;
    });
    return out;
}

} // namespace

WhoisAnswer read_whois(std::string_view text, const net::IpAddress& ip)
{
    WhoisAnswer answer;
    std::vector<Section> sections(1);
    Object current;
    std::map<std::string, Object> handles;
    auto close_object = [&] {
        if (current.empty())
            return;
        for (const auto& f : current)
            if (f.key == "nic-hdl" && handles.size() < 1000)
                handles.emplace(lower(f.value), current);
        sections.back().objects.push_back(std::move(current));
        current.clear();
    };
    std::size_t lines = 0;
    while (!text.empty() && ++lines <= max_lines) {
        auto nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!raw.empty() && raw.back() == '\r')
            raw.remove_suffix(1);
        auto line = trim(raw);
        if (!answer.throttled && throttling_line(line)) {
            answer.throttled = true;
            answer.throttle_text = printable(line.substr(0, 200));
        }
        if (line.empty()) {
            close_object();
            continue;
        }
        if (line.front() == '%' || line.front() == '#') {
            auto low = lower(line);
            if (low.find("information related to") != std::string::npos) {
                close_object();
                if (!sections.back().objects.empty() || !sections.back().contacts.empty() ||
                    sections.back().range)
                    sections.emplace_back();
            } else if (auto m = abuse_comment(line)) {
                sections.back().contacts.push_back({*m, "% Abuse contact for", 80});
            } else if (low.find("no abuse contact registered") != std::string::npos) {
                answer.no_abuse_registered = true;
            }
            continue;
        }
        auto field = split_field(line);
        if (!field)
            continue;
        if (field->key == "refer" && !answer.refer)
            answer.refer = field->value;
        else if (field->key == "referralserver" && !answer.referral)
            answer.referral = field->value;
        else if ((field->key == "org-name" || field->key == "orgname" || field->key == "owner") &&
                 answer.holder == RegistryId::unknown)
            answer.holder = registry_named(field->value);
        else if (field->key == "remarks" || field->key == "comment") {
            if (speaks_of_abuse(field->value))
                for (auto& m : mailboxes_in_text(field->value))
                    if (answer.remark_mailboxes.size() < 16 &&
                        std::find(answer.remark_mailboxes.begin(), answer.remark_mailboxes.end(),
                                  m) == answer.remark_mailboxes.end())
                        answer.remark_mailboxes.push_back(std::move(m));
        }
        if (field->key == "netname" && sections.back().netname.empty())
            sections.back().netname = printable(field->value.substr(0, 100));
        if (is_range_key(field->key)) {
            // ARIN prints one NetRange per network without "% Information" separators.
            if (field->key == "netrange" && sections.back().range) {
                close_object();
                sections.emplace_back();
            }
            if (!sections.back().range)
                sections.back().range = parse_range(field->value);
        }
        current.push_back(std::move(*field));
    }
    close_object();

    // Sections whose range holds the address, most specific first; those without a range last.
    std::vector<const Section*> order;
    for (const auto& s : sections)
        if (!s.range || s.range->contains(ip))
            order.push_back(&s);
    std::stable_sort(order.begin(), order.end(), [](const Section* a, const Section* b) {
        if (a->range.has_value() != b->range.has_value())
            return a->range.has_value();
        return a->range && a->range->span() < b->range->span();
    });
    for (const Section* s : order)
        if (s->range && !answer.range) {
            answer.range = s->range;
            answer.netname = s->netname;
        }
    for (const Section* s : order) {
        auto contacts = section_contacts(*s, handles);
        if (!contacts.empty()) {
            answer.contacts = std::move(contacts);
            break;
        }
    }
    return answer;
}

} // namespace fightback::abuse
