// Registrable domains: Debian's list for real suffixes (ICANN section only), a small list file
// for exact behaviour, and unknown top-level domains (the test world's .test).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fightback/dns/public_suffix.hpp"

namespace fightback::dns {
namespace {

TEST(PublicSuffix, DistributionList)
{
    auto psl = PublicSuffixList::load_default();
    ASSERT_TRUE(psl) << psl.error().message;
    EXPECT_EQ(psl->registrable_domain("www.example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl->registrable_domain("a.b.c.example.com"), "example.com");
    EXPECT_EQ(psl->registrable_domain("dsl-1.pool.isp.net"), "isp.net");
    EXPECT_EQ(psl->registrable_domain("co.uk"), std::nullopt);
    EXPECT_EQ(psl->registrable_domain("net"), std::nullopt);
    EXPECT_EQ(psl->registrable_domain("mail.example.test"), "example.test");
    EXPECT_EQ(psl->registrable_domain("test"), std::nullopt);
    EXPECT_TRUE(psl->is_public_suffix("co.uk"));
    EXPECT_FALSE(psl->is_public_suffix("example.co.uk"));
    // Private-section entries do not count: a cloud host belongs to the provider's domain.
    EXPECT_EQ(psl->registrable_domain("ec2-192-0-2-1.compute-1.amazonaws.com"),
              "amazonaws.com");
    EXPECT_FALSE(psl->source().empty());
}

TEST(PublicSuffix, ListFile)
{
    const auto path = std::filesystem::temp_directory_path() /
                      ("fightback-psl-" + std::to_string(::getpid()) + ".dat");
    std::ofstream(path) << "// ===BEGIN ICANN DOMAINS===\n"
                           "uk\nco.uk\n*.kawasaki.jp\n!city.kawasaki.jp\n"
                           "// ===END ICANN DOMAINS===\n"
                           "// ===BEGIN PRIVATE DOMAINS===\n"
                           "blogspot.co.uk\n"
                           "// ===END PRIVATE DOMAINS===\n";
    auto psl = PublicSuffixList::load_file(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(psl) << psl.error().message;
    EXPECT_EQ(psl->registrable_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl->registrable_domain("x.blogspot.co.uk"), "blogspot.co.uk");
    EXPECT_EQ(psl->registrable_domain("a.b.kawasaki.jp"), "a.b.kawasaki.jp");
    EXPECT_EQ(psl->registrable_domain("b.kawasaki.jp"), std::nullopt);
    EXPECT_EQ(psl->registrable_domain("www.city.kawasaki.jp"), "city.kawasaki.jp");
    EXPECT_EQ(psl->registrable_domain("host.example.test"), "example.test");

    EXPECT_FALSE(PublicSuffixList::load_file("/nonexistent/list.dat"));
}

} // namespace
} // namespace fightback::dns
