// Conformance with real registry answers: for every capture in ../shared/fixtures/rdap/ and
// ../shared/fixtures/whois/ (read in place; skipped when absent) the abuse contact the registry
// published is the top contact, and where none was published the answer says so.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "fightback/abuse/mailbox.hpp"
#include "fightback/abuse/registry_answer.hpp"
#include "paths.hpp"

namespace fightback::abuse {
namespace {

namespace fs = std::filesystem;

// What each capture published, by address: the abuse contact, or nothing.
const std::map<std::string, std::optional<std::string>> rdap_published{
    {"74.125.225.229", "arin-contact@google.com"},
    {"2001:4860:4860::8888", "arin-contact@google.com"},
    {"62.239.237.1", "zzdnsr@bt.com"},       // 2015 RIPE RDAP: the abuse role's first e-mail
    {"2a00:2381:ffff::1", "zzdnsr@bt.com"},
    {"210.107.73.73", "hostmaster@nic.or.kr"}, // IRT-KRNIC-KR, role abuse
    {"2001:240:10c:1::ca20:9d1d", std::nullopt},
    {"200.57.141.161", "operacion.redes@triara.com"},
    {"2801:10:c000::", "sistemas.red@uco.edu.co"},
    {"196.11.240.215", std::nullopt}, // AFRINIC 2015: only a remark
    {"2001:43f8:7b0::", std::nullopt},
    {"200.3.12.0", "ipadmin@lacnic.net"}, // LACNIC's own space
    {"200.160.0.0", std::nullopt},        // registro.br: abuse entity without e-mail
};

const std::map<std::string, std::optional<std::string>> whois_published{
    {"74.125.225.229", "arin-contact@google.com"},
    {"2001:4860:4860::8888", "arin-contact@google.com"},
    {"62.239.237.1", "protect@bt.com"},
    {"2a00:2381:ffff::1", "protect@bt.com"},
    {"210.107.73.73", "hostmaster@nic.or.kr"},
    {"2001:240:10c:1::ca20:9d1d", std::nullopt},
    {"200.57.141.161", "operacion.redes@triara.com"},
    {"2801:10:c000::", "sistemas.red@uco.edu.co"},
    {"196.11.240.215", std::nullopt},
    {"2001:43f8:7b0::", std::nullopt},
};

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "arin_74.125.225.229.json" -> 74.125.225.229; "ripencc_2a00_2381_ffff__1" -> 2a00:2381:ffff::1
std::optional<std::string> address_in_name(const std::string& stem)
{
    auto us = stem.find('_');
    if (us == std::string::npos)
        return std::nullopt;
    std::string rest = stem.substr(us + 1);
    if (rest.find('.') == std::string::npos)
        for (char& c : rest)
            if (c == '_')
                c = ':';
    if (net::IpAddress::parse(rest))
        return rest;
    return std::nullopt;
}

std::string host_of(const nlohmann::json& answer)
{
    if (auto links = answer.find("links"); links != answer.end() && links->is_array())
        for (const auto& l : *links)
            if (l.value("rel", "") == "self")
                return url_host(l.value("href", ""));
    return answer.value("port43", "");
}

// The registry's whois server from the file name or asn_registry.
std::string whois_server_for(const std::string& registry)
{
    if (registry.starts_with("ripe"))
        return "whois.ripe.net";
    return "whois." + registry + ".net";
}

void check(const RegistryAnswer& answer, const std::optional<std::string>& published,
           const std::string& what)
{
    auto d = rank(answer.evidence, {answer.answered_by, answer.space_holder});
    if (published) {
        ASSERT_FALSE(d.candidates.empty()) << what;
        EXPECT_EQ(lower(d.candidates.front().address), *published) << what;
        EXPECT_TRUE(d.automatic) << what << ": " << d.why;
        ASSERT_FALSE(d.to.empty()) << what;
        EXPECT_EQ(lower(d.to.front()), *published) << what;
    } else {
        EXPECT_FALSE(d.automatic) << what << ": To " << (d.to.empty() ? "" : d.to.front());
        EXPECT_NE(d.why.find("no automatic complaint"), std::string::npos) << what;
        bool said = false;
        for (const auto& n : answer.notes)
            said = said || n.find("no abuse contact") != std::string::npos ||
                   n.find("has no e-mail") != std::string::npos;
        EXPECT_TRUE(said) << what << ": no note says that none was published";
    }
}

TEST(Conformance, RdapCaptures)
{
    const fs::path dir = fs::path(testing::shared_dir()) / "fixtures" / "rdap";
    if (!fs::is_directory(dir))
        GTEST_SKIP() << "../shared/fixtures/rdap is absent";
    int checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (entry.path().extension() != ".json" ||
            entry.path().parent_path().filename() == "iana_bootstrap_2024")
            continue;
        auto body = slurp(entry.path());
        auto doc = parse_rdap_body(body);
        ASSERT_TRUE(doc) << entry.path() << ": " << doc.error().message;
        const std::string name = entry.path().filename().string();
        std::vector<std::pair<std::string, nlohmann::json>> answers; // (address, answer)
        if (doc->contains("objectClassName") && (*doc)["objectClassName"] == "entity") {
            // A bare entity (ARIN's abuse POC): its e-mail is what a self link would give.
            auto emails = read_entity_emails(*doc);
            ASSERT_FALSE(emails.empty()) << name;
            EXPECT_EQ(emails.front().value, "arin-contact@google.com");
            ++checked;
            continue;
        }
        if (!doc->contains("objectClassName")) { // the combined file: address -> {response}
            for (auto& [ip, item] : doc->items())
                if (item.is_object() && item.contains("response"))
                    answers.emplace_back(ip, item["response"]);
        } else if (auto ip = address_in_name(entry.path().stem().string())) {
            answers.emplace_back(*ip, *doc);
        } else {
            auto start = doc->value("startAddress", "");
            answers.emplace_back(start, *doc);
        }
        for (const auto& [ip, answer] : answers) {
            auto network = read_ip_network(answer);
            ASSERT_TRUE(network) << name << " " << ip << ": " << network.error().message;
            auto reg = answer_from_rdap(*network, host_of(answer));
            auto it = rdap_published.find(ip);
            if (it == rdap_published.end()) {
                ADD_FAILURE() << name << ": no expectation for " << ip;
                continue;
            }
            check(reg, it->second, name + " " + ip);
            ++checked;
        }
    }
    EXPECT_GE(checked, 12);
}

TEST(Conformance, WhoisCaptures)
{
    const fs::path dir = fs::path(testing::shared_dir()) / "fixtures" / "whois";
    if (!fs::is_directory(dir))
        GTEST_SKIP() << "../shared/fixtures/whois is absent";
    int checked = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        std::vector<std::tuple<std::string, std::string, std::string>> answers; // ip, server, text
        if (entry.path().extension() == ".txt") {
            auto ip = address_in_name(entry.path().stem().string());
            ASSERT_TRUE(ip) << name;
            answers.emplace_back(*ip, whois_server_for(name.substr(0, name.find('_'))),
                                 slurp(entry.path()));
        } else if (entry.path().extension() == ".json") {
            auto doc = nlohmann::json::parse(slurp(entry.path()), nullptr, false);
            ASSERT_TRUE(doc.is_object()) << name;
            for (auto& [ip, item] : doc.items())
                answers.emplace_back(
                    ip, whois_server_for(item["asn_data"].value("asn_registry", "iana")),
                    item.value("response", ""));
        }
        for (const auto& [ip, server, text] : answers) {
            auto addr = net::IpAddress::parse(ip);
            ASSERT_TRUE(addr) << ip;
            auto reg = answer_from_whois(read_whois(text, *addr), server);
            auto it = whois_published.find(ip);
            if (it == whois_published.end()) {
                ADD_FAILURE() << name << ": no expectation for " << ip;
                continue;
            }
            check(reg, it->second, name + " " + ip);
            ++checked;
        }
    }
    EXPECT_GE(checked, 10);
}

} // namespace
} // namespace fightback::abuse
