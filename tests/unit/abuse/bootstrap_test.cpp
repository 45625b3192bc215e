// The shipped IANA bootstrap, loading files and directories, longest-prefix match.
#include <gtest/gtest.h>

#include "fightback/abuse/bootstrap.hpp"
#include "paths.hpp"

namespace fightback::abuse {
namespace {

net::IpAddress ip(const char* text)
{
    return *net::IpAddress::parse(text);
}

TEST(Bootstrap, ShippedFilesNameEveryRegistry)
{
    auto b = Bootstrap::shipped();
    EXPECT_EQ(b.base_url(ip("74.125.225.229")), "https://rdap.arin.net/registry/");
    EXPECT_EQ(b.base_url(ip("62.239.237.1")), "https://rdap.db.ripe.net/");
    EXPECT_EQ(b.base_url(ip("210.107.73.73")), "https://rdap.apnic.net/");
    EXPECT_EQ(b.base_url(ip("200.57.141.161")), "https://rdap.lacnic.net/rdap/");
    EXPECT_EQ(b.base_url(ip("196.11.240.215")), "https://rdap.afrinic.net/rdap/");
    EXPECT_EQ(b.base_url(ip("2001:4860:4860::8888")), "https://rdap.arin.net/registry/");
    EXPECT_EQ(b.base_url(ip("2a00:2381:ffff::1")), "https://rdap.db.ripe.net/");
    EXPECT_EQ(b.base_url(ip("2001:43f8:7b0::")), "https://rdap.afrinic.net/rdap/");
    EXPECT_FALSE(b.base_url(ip("10.1.2.3")));
    EXPECT_FALSE(b.base_url(ip("127.0.0.1")));
}

TEST(Bootstrap, LongestPrefixWins)
{
    Bootstrap b;
    ASSERT_TRUE(b.add(R"({"services": [
        [["192.0.0.0/8"], ["https://wide.example/rdap"]],
        [["192.0.2.0/24"], ["http://narrow.example/", "https://narrow.example/"]],
        [["192.0.2.0/25"], ["ftp://nope.example/"]]]})",
                      "test"));
    EXPECT_EQ(b.base_url(ip("192.0.2.1")), "https://narrow.example/");
    EXPECT_EQ(b.base_url(ip("192.1.0.1")), "https://wide.example/rdap/");
}

TEST(Bootstrap, RejectsBrokenFiles)
{
    Bootstrap b;
    EXPECT_FALSE(b.add("not json", "x"));
    EXPECT_FALSE(b.add(R"({"services": 5})", "x"));
    EXPECT_FALSE(b.add(R"({"services": [[["192.0.2.0"], ["https://a.example/"]]]})", "x"));
    EXPECT_FALSE(b.add(R"({"services": [[["192.0.2.0/99"], ["https://a.example/"]]]})", "x"));
}

TEST(Bootstrap, LoadsADirectoryOrOneFile)
{
    auto dir = Bootstrap::load(testing::test_data("rdap/bootstrap"));
    ASSERT_TRUE(dir) << dir.error().message;
    EXPECT_EQ(dir->base_url(ip("2001:db8:b::1")), "http://rdap.db.ripe.net/");
    auto file = Bootstrap::load(testing::test_data("rdap/bootstrap/ipv4.json"));
    ASSERT_TRUE(file);
    EXPECT_FALSE(file->base_url(ip("2001:db8:b::1")));
    EXPECT_FALSE(Bootstrap::load(testing::test_data("whois")));
}

TEST(Bootstrap, SharedIanaCaptureAgreesWithTheShippedFiles)
{
    const auto dir = testing::shared_dir() + "/fixtures/rdap/iana_bootstrap_2024";
    auto iana = Bootstrap::load(dir);
    if (!iana)
        GTEST_SKIP() << "../shared/fixtures/rdap/iana_bootstrap_2024 is absent";
    auto shipped = Bootstrap::shipped();
    for (int first = 1; first < 224; ++first) {
        auto a = net::IpAddress::v4(static_cast<std::uint32_t>(first) << 24 | 0x010203);
        EXPECT_EQ(iana->base_url(a), shipped.base_url(a)) << a.to_string();
    }
}

} // namespace
} // namespace fightback::abuse
