// jCard reading: ["vcard", [[name, {params}, type, value], ...]].
#include "fightback/abuse/jcard.hpp"

#include <algorithm>
#include <charconv>

#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

const nlohmann::json* properties(const nlohmann::json& vcard_array)
{
    if (!vcard_array.is_array() || vcard_array.size() < 2 || !vcard_array[0].is_string() ||
        vcard_array[0].get<std::string>() != "vcard" || !vcard_array[1].is_array())
        return nullptr;
    return &vcard_array[1];
}

bool names_abuse(const nlohmann::json& type)
{
    if (type.is_string())
        return iequals(type.get<std::string>(), "abuse");
    if (type.is_array())
        return std::any_of(type.begin(), type.end(), [](const nlohmann::json& t) {
            return t.is_string() && iequals(t.get<std::string>(), "abuse");
        });
    return false;
}

std::optional<int> pref_of(const nlohmann::json& pref)
{
    if (pref.is_number_integer()) {
        auto v = pref.get<long long>();
        if (v >= 1 && v <= 100)
            return static_cast<int>(v);
        return std::nullopt;
    }
    if (pref.is_string()) {
        const auto& s = pref.get_ref<const std::string&>();
        int v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc{} && end == s.data() + s.size() && v >= 1 && v <= 100)
            return v;
    }
    return std::nullopt;
}

} // namespace

std::vector<JcardEmail> jcard_emails(const nlohmann::json& vcard_array, std::size_t limit)
{
    std::vector<JcardEmail> out;
    const auto* props = properties(vcard_array);
    if (!props)
        return out;
    for (const auto& p : *props) {
        if (out.size() >= limit)
            break;
        if (!p.is_array() || p.size() < 4 || !p[0].is_string() || !p[3].is_string())
            continue;
        if (!iequals(p[0].get<std::string>(), "email"))
            continue;
        JcardEmail e;
        e.value = p[3].get<std::string>();
        if (p[1].is_object()) {
            if (auto t = p[1].find("type"); t != p[1].end())
                e.typed_abuse = names_abuse(*t);
            if (auto pr = p[1].find("pref"); pr != p[1].end())
                e.pref = pref_of(*pr);
        }
        out.push_back(std::move(e));
    }
    std::stable_sort(out.begin(), out.end(), [](const JcardEmail& a, const JcardEmail& b) {
        if (a.typed_abuse != b.typed_abuse)
            return a.typed_abuse;
        return a.pref.value_or(101) < b.pref.value_or(101);
    });
    return out;
}

std::optional<std::string> jcard_name(const nlohmann::json& vcard_array)
{
    const auto* props = properties(vcard_array);
    if (!props)
        return std::nullopt;
    for (const auto& p : *props)
        if (p.is_array() && p.size() >= 4 && p[0].is_string() && p[0].get<std::string>() == "fn" &&
            p[3].is_string())
            return p[3].get<std::string>();
    return std::nullopt;
}

} // namespace fightback::abuse
