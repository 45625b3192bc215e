// Ranking: merging, agreement, CC, the automatic threshold.
#include <gtest/gtest.h>

#include "fightback/abuse/ranking.hpp"

namespace fightback::abuse {
namespace {

TEST(Ranking, IndependentAgreementRaisesTheScore)
{
    auto d = rank({{"abuse@isp-five.example", Source::rdap_remarks, 30, "remark"},
                   {"ABUSE@isp-five.example.", Source::dns_zone, 60, "zone"}},
                  {});
    ASSERT_TRUE(d.automatic);
    ASSERT_EQ(d.candidates.size(), 1u);
    EXPECT_EQ(d.candidates[0].score, 80);
    EXPECT_EQ(d.candidates[0].source, "rdap-remarks+dns-zone");
}

TEST(Ranking, SameRegistryTwiceIsNotAgreement)
{
    auto d = rank({{"abuse@isp.example", Source::rdap, 85, "rdap"},
                   {"abuse@isp.example", Source::whois, 80, "whois"}},
                  {});
    EXPECT_EQ(d.candidates[0].score, 85);
}

TEST(Ranking, ToAndCcFromIndependentSources)
{
    auto d = rank({{"abuse@isp.example", Source::rdap, 85, "rdap"},
                   {"noc@isp.example", Source::rdap, 40, "further"},
                   {"abuse@customer.example", Source::domain, 60, "domain"}},
                  {});
    ASSERT_TRUE(d.automatic);
    EXPECT_EQ(d.to, std::vector<std::string>{"abuse@isp.example"});
    EXPECT_EQ(d.cc, std::vector<std::string>{"abuse@customer.example"});
}

TEST(Ranking, PlaceholdersAndWeakCandidatesAreNoComplaint)
{
    auto d = rank({{"search-apnic-not-arin@apnic.net", Source::rdap, 85, "rdap"},
                   {"abuse@isp.example", Source::whois_remarks, 30, "remark"}},
                  {RegistryId::arin, RegistryId::apnic});
    EXPECT_FALSE(d.automatic);
    EXPECT_TRUE(d.to.empty());
    EXPECT_NE(d.why.find("no automatic complaint"), std::string::npos);
    EXPECT_EQ(d.candidates.back().score, 0);
    auto empty = rank({}, {});
    EXPECT_FALSE(empty.automatic);
    EXPECT_TRUE(empty.candidates.empty());
}

} // namespace
} // namespace fightback::abuse
