// The TOML config: trust settings as strings or arrays, and errors that name the key.
#include <gtest/gtest.h>

#include "fightback/config/config.hpp"

namespace fightback::config {
namespace {

TEST(Config, TrustSettings)
{
    auto c = parse(R"(
[trace]
trusted_networks = "!192.0.2.9 192.0.2.0/24"
internal_networks = ["192.0.2.0/25"]
originating_ip_headers = "X-Originating-IP X-Yahoo-Post-IP"
)",
                   "test.toml");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->trust.trusted);
    EXPECT_TRUE(c->trust.trusted->contains(*net::IpAddress::parse("192.0.2.1")));
    EXPECT_FALSE(c->trust.trusted->contains(*net::IpAddress::parse("192.0.2.9")));
    ASSERT_TRUE(c->trust.internal);
    EXPECT_FALSE(c->trust.msa);
    EXPECT_EQ(c->trust.originating_ip_headers,
              (std::vector<std::string>{"X-Originating-IP", "X-Yahoo-Post-IP"}));
}

TEST(Config, ErrorsNameTheProblem)
{
    auto bad_net = parse("[trace]\ntrusted_networks = \"10/99\"\n", "t.toml");
    ASSERT_FALSE(bad_net);
    EXPECT_NE(bad_net.error().message.find("trusted_networks"), std::string::npos);

    auto bad_type = parse("[trace]\nmsa_networks = 5\n", "t.toml");
    ASSERT_FALSE(bad_type);
    EXPECT_NE(bad_type.error().message.find("msa_networks"), std::string::npos);

    auto bad_toml = parse("[trace\n", "t.toml");
    ASSERT_FALSE(bad_toml);
    EXPECT_NE(bad_toml.error().message.find("t.toml:1"), std::string::npos);
}

TEST(Config, ExplicitMissingFileIsAnError)
{
    EXPECT_FALSE(load(std::filesystem::path("no/such/config.toml")));
}

} // namespace
} // namespace fightback::config
