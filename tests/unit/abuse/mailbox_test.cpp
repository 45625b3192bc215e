// Address normalisation, validation and the registry placeholder rules (table-driven).
#include <gtest/gtest.h>

#include "fightback/abuse/mailbox.hpp"

namespace fightback::abuse {
namespace {

TEST(Mailbox, Normalises)
{
    struct Case {
        const char* raw;
        const char* want;
    };
    for (auto c : {Case{"abuse@Example.NET", "abuse@example.net"},
                   Case{"mailto:abuse@example.net", "abuse@example.net"},
                   Case{"MAILTO:abuse@example.net?subject=x", "abuse@example.net"},
                   Case{"<abuse@example.net>", "abuse@example.net"},
                   Case{"  abuse@example.net.  ", "abuse@example.net"},
                   Case{"Abuse.Desk@ISP.EXAMPLE..", "Abuse.Desk@isp.example"},
                   Case{"a+b@x-y.example", "a+b@x-y.example"}}) {
        auto n = normalize_mailbox(c.raw);
        ASSERT_TRUE(n) << c.raw << ": " << n.error().message;
        EXPECT_EQ(*n, c.want) << c.raw;
    }
}

TEST(Mailbox, RefusesWhatCannotBeMailedSafely)
{
    for (const char* bad : {"abuse@example.net\r\nBcc: x@y.example", "abuse@example.net\n",
                            "no-at-sign", "@example.net", "abuse@", "abuse@localhost",
                            "abuse@@example.net", "a..b@example.net", ".a@example.net",
                            "\"quoted\"@example.net", "abuse@[192.0.2.1]", "abuse@exa mple.net",
                            "abuse@-bad.example", "abuse@example.123", "a b@example.net",
                            "DATA REDACTED"}) {
        EXPECT_FALSE(normalize_mailbox(bad)) << bad;
    }
    auto crlf = normalize_mailbox("abuse@example.net\r\nBcc: victim@example.org");
    ASSERT_FALSE(crlf);
    EXPECT_NE(crlf.error().message.find("control characters"), std::string::npos);
    EXPECT_EQ(crlf.error().message.find('\n'), std::string::npos);
    EXPECT_FALSE(normalize_mailbox(std::string(70, 'a') + "@example.net"));
}

TEST(Mailbox, FindsAddressesInRemarks)
{
    auto found = mailboxes_in_text("please send abuse reports to abuse@isp.example. Or "
                                   "<spam@isp.example>, not @nobody");
    EXPECT_EQ(found, (std::vector<std::string>{"abuse@isp.example", "spam@isp.example"}));
}

TEST(Placeholders, AreNeverUsed)
{
    using R = RegistryId;
    struct Case {
        const char* address;
        R answered_by;
        R holder;
        bool placeholder;
    };
    for (auto c : {
             Case{"search-apnic-not-arin@apnic.net", R::arin, R::apnic, true},
             Case{"search-apnic-not-arin@apnic.net", R::apnic, R::apnic, true},
             Case{"hostmaster@ripe.net", R::ripe, R::ripe, true},
             Case{"abuse@lacnic.net", R::lacnic, R::unknown, true},  // not LACNIC's space
             Case{"abuse@lacnic.net", R::arin, R::lacnic, true},     // ARIN's stub for it
             Case{"ipadmin@lacnic.net", R::lacnic, R::lacnic, false}, // LACNIC's own space
             Case{"abuse@ripe.net", R::arin, R::ripe, true},
             Case{"abuse@arin.net", R::ripe, R::unknown, true},
             Case{"abuse@iana.org", R::unknown, R::unknown, true},
             Case{"redacted@redacted.example", R::ripe, R::unknown, true},
             Case{"search-ripe-not-arin@ripe.net", R::ripe, R::ripe, true},
             Case{"abuse@isp.example", R::ripe, R::unknown, false},
             Case{"hostmaster@nic.or.kr", R::apnic, R::unknown, false},
         }) {
        EXPECT_EQ(placeholder_reason(c.address, c.answered_by, c.holder).has_value(),
                  c.placeholder)
            << c.address;
    }
}

TEST(Registry, NamesHostsAndHolders)
{
    EXPECT_EQ(registry_for_host("rdap.db.ripe.net"), RegistryId::ripe);
    EXPECT_EQ(registry_for_host("WHOIS.ARIN.NET."), RegistryId::arin);
    EXPECT_EQ(registry_for_host("notarin.net"), RegistryId::unknown);
    EXPECT_EQ(registry_named("LACNIC - Latin American and Caribbean IP address"),
              RegistryId::lacnic);
    EXPECT_EQ(registry_named("Asia Pacific Network Information Centre"), RegistryId::apnic);
    EXPECT_EQ(registry_named("Triara.com, S.A. de C.V."), RegistryId::unknown);
    EXPECT_EQ(registry_named("ARINCO Ltd"), RegistryId::unknown);
    EXPECT_EQ(rate_limit_key("rdap.arin.net"), rate_limit_key("whois.arin.net"));
    EXPECT_EQ(url_host("https://User@RDAP.Example:8443/ip/1"), "rdap.example");
    EXPECT_EQ(url_host("http://[::1]:80/x"), "::1");
}

} // namespace
} // namespace fightback::abuse
