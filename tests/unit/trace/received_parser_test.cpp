// Table-driven tests of parse_received and parse_mail_date: one row per MTA format, auth
// marker, skip and fetch rule, address normalisation, and hostile inputs that must neither
// crash nor take long. The lines follow the shapes the MTAs document, with documentation
// addresses (RFC 5737, RFC 3849) and example.* names.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "fightback/trace/received_parser.hpp"

namespace fightback::trace {
namespace {

using namespace std::string_literals;

// nullptr: not checked; "": must be absent.
struct Case {
    const char* name;
    const char* line;
    HopKind kind = HopKind::handover;
    const char* ip = nullptr;
    const char* auth = "";
    const char* helo = nullptr;
    const char* rdns = nullptr;
    const char* by = nullptr;
    const char* ident = nullptr;
    const char* envfrom = nullptr;
};

void expect_field(const char* field, const char* expected, const std::optional<std::string>& got)
{
    if (expected == nullptr)
        return;
    if (*expected == '\0')
        EXPECT_FALSE(got.has_value()) << field << " = " << got.value_or("");
    else
        EXPECT_EQ(got.value_or("<absent>"), expected) << field;
}

void check(const Case& c)
{
    SCOPED_TRACE(std::string(c.name) + ": " + c.line);
    const Hop hop = parse_received(c.line);
    EXPECT_EQ(hop.kind, c.kind) << "reason: " << hop.reason;
    if (c.ip != nullptr) {
        if (*c.ip == '\0')
            EXPECT_FALSE(hop.ip.has_value()) << hop.ip->to_string();
        else
            EXPECT_EQ(hop.ip ? hop.ip->to_string() : "<absent>"s, c.ip);
    }
    expect_field("auth", c.auth, hop.auth);
    expect_field("helo", c.helo, hop.helo);
    expect_field("rdns", c.rdns, hop.rdns);
    expect_field("by", c.by, hop.by);
    expect_field("ident", c.ident, hop.ident);
    expect_field("envfrom", c.envfrom, hop.envfrom);
    if (hop.kind == HopKind::handover)
        EXPECT_TRUE(hop.reason.empty()) << hop.reason;
    else
        EXPECT_FALSE(hop.reason.empty());
}

const Case mta_formats[] = {
    {.name = "Postfix",
     .line = "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) "
             "with ESMTPS id 4Xyz12AbC for <user@example.net>; Tue, 3 Sep 2024 10:11:12 +0200",
     .ip = "192.0.2.10", .helo = "mail.example.org", .rdns = "mail.example.org",
     .by = "mx.example.net"},
    {.name = "Postfix, no rDNS",
     .line = "from client.example.org (unknown [198.51.100.7]) by mx.example.net (Postfix) with "
             "ESMTP id ABC123; Tue, 3 Sep 2024 10:11:12 +0000",
     .ip = "198.51.100.7", .helo = "client.example.org", .rdns = ""},
    {.name = "Postfix, HELO is an address literal",
     .line = "from [192.0.2.1] (host.example [198.51.100.2]) by mx.example.net (Postfix) with "
             "ESMTP id 77; Tue, 3 Sep 2024 10:11:12 +0000",
     .ip = "198.51.100.2", .helo = "[192.0.2.1]", .rdns = "host.example"},
    {.name = "Postfix, TLS comment before by",
     .line = "from a.example.org (a.example.org [192.0.2.237]) (using TLSv1.3 with cipher "
             "TLS_AES_256_GCM_SHA384 (256/256 bits)) (No client certificate requested) by "
             "mx.example.net (Postfix) with ESMTPS id 4Wq; Tue, 10 Sep 2024 10:00:00 +0000",
     .ip = "192.0.2.237", .by = "mx.example.net"},
    {.name = "Sendmail",
     .line = "from relay.example.org (relay.example.org [192.0.2.33]) by mail.example.net "
             "(8.15.2/8.15.2) with ESMTPS id 48D1n2ab (version=TLSv1.3 cipher=X bits=256 "
             "verify=NOT) for <bob@example.net>; Wed, 4 Sep 2024 08:00:00 -0400",
     .ip = "192.0.2.33", .rdns = "relay.example.org"},
    {.name = "Sendmail, may be forged",
     .line = "from host.example.org (host.example.org [192.0.2.34] (may be forged)) by "
             "mail.example.net (8.15.2/8.15.2) with ESMTP id 48D1n2; Wed, 4 Sep 2024 08:00:00",
     .ip = "192.0.2.34"},
    {.name = "Sendmail, IDENT",
     .line = "from relay.example.org (IDENT:root@relay.example.org [192.0.2.35]) by "
             "mail.example.net (8.9.3/8.9.3) with ESMTP id AAA12345",
     .ip = "192.0.2.35", .rdns = "relay.example.org", .ident = "root"},
    {.name = "Sendmail, envelope-from",
     .line = "from mail.example.org (mail.example.org [192.0.2.238]) by mx.example.net "
             "(8.14.7/8.14.7) with ESMTP id 12 (envelope-from bounce@example.org)",
     .ip = "192.0.2.238", .envfrom = "bounce@example.org"},
    {.name = "Exim",
     .line = "from mail.example.org ([192.0.2.50] helo=smtp.example.org) by mx.example.net with "
             "esmtps (TLS1.3) (Exim 4.96) (envelope-from <list-bounces@example.org>) id "
             "1rAbCd-000123-4E for bob@example.net; Thu, 05 Sep 2024 12:00:00 +0000",
     .ip = "192.0.2.50", .helo = "smtp.example.org", .rdns = "mail.example.org",
     .envfrom = "list-bounces@example.org"},
    {.name = "Exim, port",
     .line = "from mail.example.org ([192.0.2.51]:41234 helo=mail.example.org) by "
             "mx.example.net with esmtps (Exim 4.92) id 1rAbCg-000126-7H",
     .ip = "192.0.2.51"},
    {.name = "Exim, address as name",
     .line = "from [203.0.113.61] (helo=client.example ident=joe) by mx.example.net with smtp "
             "(Exim 3.35 #1) id 194BE5-0005Zh-00",
     .ip = "203.0.113.61", .helo = "client.example", .ident = "joe"},
    {.name = "Exim, old bracket form",
     .line = "from boggle.example.org [192.0.2.62] by grunt.example.net with esmtp (Exim 3.35 "
             "#1) id 18SWRe-0006X6-00",
     .ip = "192.0.2.62", .rdns = "boggle.example.org"},
    {.name = "qmail",
     .line = "from unknown (HELO client.example.org) (198.51.100.70) by mail.example.net with "
             "SMTP; 6 Sep 2024 10:00:00 -0000",
     .ip = "198.51.100.70", .helo = "client.example.org", .rdns = ""},
    {.name = "qmail, ident",
     .line = "from host.example.org (HELO x.example) (jdoe@198.51.100.71) by mail.example.net "
             "with SMTP; 6 Sep 2024 10:00:00 -0000",
     .ip = "198.51.100.71", .helo = "x.example", .rdns = "host.example.org", .ident = "jdoe"},
    {.name = "qmail, HELO equal to rDNS",
     .line = "from client.example.org (198.51.100.72) by mail.example.net with SMTP; 6 Sep "
             "2024 10:00:00 -0000",
     .ip = "198.51.100.72", .helo = "client.example.org", .rdns = "client.example.org"},
    {.name = "qmail-ldap",
     .line = "from unknown (HELO t.example.com) (jd@[192.0.2.221]) (envelope-sender "
             "<jd@example.com>) by mail13.example.net (qmail-ldap-1.03) with SMTP; 12 Feb 2003 "
             "18:23:19 -0000",
     .ip = "192.0.2.221", .ident = "jd", .envfrom = "jd@example.com"},
    {.name = "Office 365",
     .line = "from mail.example.org (192.0.2.80) by BN1NAM02FT012.mail.protection.outlook.com "
             "(10.13.2.100) with Microsoft SMTP Server (version=TLS1_2, cipher=X) id "
             "15.20.7918.12 via Frontend Transport; Fri, 6 Sep 2024 10:00:00 +0000",
     .ip = "192.0.2.80", .helo = "mail.example.org"},
    {.name = "Exchange, IPv6 between servers",
     .line = "from EX1.example.org (2001:db8:5:1b0::12) by EX2.example.org (2001:db8:5:1b0::34) "
             "with Microsoft SMTP Server (version=TLS1_2, cipher=X) id 15.20.7918.12",
     .ip = "2001:db8:5:1b0::12"},
    {.name = "Exchange mapi, zone",
     .line = "from AM5PR01.example.org ([fe80::19bd:c588:dd17:5226]) by AM5PR01.example.org "
             "([fe80::19bd:c588:dd17:5226%6]) with mapi id 15.20.1943.023",
     .ip = "fe80::19bd:c588:dd17:5226"},
    {.name = "Microsoft SMTPSVC",
     .line = "from client.example.org ([192.0.2.90]) by mail.example.net with Microsoft "
             "SMTPSVC(6.0.3790.4675); Mon, 9 Sep 2024 10:00:00 -0700",
     .ip = "192.0.2.90", .helo = "client.example.org", .rdns = ""},
    {.name = "Microsoft SMTPSVC, RDNS failed",
     .line = "from 0 ([192.0.2.91] RDNS failed) by mail.example.net with Microsoft "
             "SMTPSVC(6.0.3790.0); Mon, 9 Sep 2024 10:00:00 -0700",
     .ip = "192.0.2.91"},
    {.name = "Google",
     .line = "from mail-sor-f41.example.com (mail-sor-f41.example.com. [192.0.2.41]) by "
             "mx.google.com with SMTPS id a1sor123456lfg.16.2024.09.09.10.00.00 for "
             "<x@example.org> (Google Transport Security); Mon, 09 Sep 2024 10:00:00 -0700",
     .ip = "192.0.2.41", .rdns = "mail-sor-f41.example.com"},
    {.name = "Courier",
     .line = "from client.example.org (client.example.org [::ffff:192.0.2.110]) by "
             "mail.example.net with ESMTP; Tue, 10 Sep 2024 10:00:00 +0000",
     .ip = "192.0.2.110"},
    {.name = "Courier, softdnserr",
     .line = "from client.example.org (softdnserr [::ffff:192.0.2.112]) by mail.example.net "
             "with esmtp; Fri, 22 Aug 2003 12:25:41 +0300",
     .ip = "192.0.2.112", .rdns = ""},
    {.name = "MDaemon",
     .line = "from client.example.org [192.0.2.120] by mail.example.net [198.51.100.1] with "
             "SMTP (MDaemon.PRO.v5.0.6.R) for <x@example.net>; Fri, 21 Feb 2003 09:32:27 +1000",
     .ip = "192.0.2.120", .helo = "client.example.org"},
    {.name = "MDaemon, parenthesised address",
     .line = "from smtp.example.org [(192.0.2.121)] by mail.example.net (198.51.100.2) "
             "(MDaemon PRO v19.0.2) with ESMTP id md50000001.msg",
     .ip = "192.0.2.121"},
    {.name = "CommuniGate",
     .line = "from host.example.org ([192.0.2.131] verified) by mail.example.net (CommuniGate "
             "Pro SMTP 5.1.13) with ESMTP id 9786656 for user@example.net",
     .ip = "192.0.2.131", .rdns = "host.example.org"},
    {.name = "Lotus Domino",
     .line = "from host.example.org ([192.0.2.140]) by notes.example.net (Lotus Domino Release "
             "8.5.3FP6) with ESMTP id 2014090910000000-12345 ; Tue, 9 Sep 2014 10:00:00 +0200",
     .ip = "192.0.2.140", .helo = "host.example.org"},
    {.name = "Yahoo, relay",
     .line = "from [192.0.2.153] by nm1.bullet.mail.example.com with NNFMP; Mon, 9 Sep 2024 "
             "10:00:00 +0000",
     .ip = "192.0.2.153"},
    {.name = "OpenSMTPD",
     .line = "from mail.example.org (mail.example.org [192.0.2.160]) by mx.example.net "
             "(OpenSMTPD) with ESMTPS id 1a2b3c4d (TLSv1.3:X:256:NO) for <x@example.net>",
     .ip = "192.0.2.160"},
    {.name = "ecelerity",
     .line = "from ([192.0.2.173:49601] helo=mta.example.org) by mx.example.net (ecelerity "
             "2.1.1.3 r(11743)) with ESMTP id 52/92-02454-89FBA055",
     .ip = "192.0.2.173", .helo = "mta.example.org"},
    // SpamAssassin cannot read ecelerity's "([ip:port])" without helo= (it skips the line);
    // the address is plainly there, so we take it.
    {.name = "ecelerity, port without helo",
     .line = "from ([192.0.2.171:33672]) by ecelerity-va-1 (ecelerity HEAD) with SMTP id "
             "EE/20-30863-33CE1054; Fri, 08 Sep 2006 18:18:27 -0400",
     .ip = "192.0.2.171"},
    {.name = "amavisd re-injection",
     .line = "from mx.example.net ([127.0.0.1]) by localhost (mx.example.net [127.0.0.1]) "
             "(amavisd-new, port 10024) with ESMTP id abcdef for <x@example.net>",
     .ip = "127.0.0.1", .by = "localhost"},
    {.name = "LMTP over the network",
     .line = "from mx.example.net ([192.0.2.200]) by imap.example.net with LMTP id abcdef "
             "(envelope-from <x@example.org>) for <y@example.net>",
     .ip = "192.0.2.200", .envfrom = "x@example.org"},
    {.name = "generic, address only",
     .line = "from [192.0.2.180] by mail.example.net (MessageWall 1.1.0) with SMTP; 20 Feb "
             "2003 23:57:15 -0000",
     .ip = "192.0.2.180"},
    {.name = "generic, no name",
     .line = "from (198.51.100.181 [198.51.100.181]) by mail.example.net with ESMTP id x1",
     .ip = "198.51.100.181", .helo = "198.51.100.181"},
    {.name = "smap, glued",
     .line = "from gw.example.org(192.0.2.182) by mail.example.net via smap (V1.3) id xma0936",
     .ip = "192.0.2.182", .rdns = "gw.example.org"},
    {.name = "Obtuse smtpd",
     .line = "from gw.example.org(192.0.2.183), claiming to be \"helo.example\" via SMTP by "
             "st.example.net, id smtpdEDUB8h; Sun Nov 13 14:50:12 2005",
     .ip = "192.0.2.183", .helo = "helo.example"},
    {.name = "webmail, address as name",
     .line = "from 198.51.100.151 by web1.mail.example.com with HTTP; Mon, 9 Sep 2024 10:00:00",
     .ip = "198.51.100.151", .auth = "HTTP"},
    // SpamAssassin takes whichever address ends 10 to 80 characters before "by", so with a
    // short user name it would name the proxy; the proxied client is the one meant.
    {.name = "SquirrelMail behind a proxy names the client",
     .line = "from proxy.example.org ([192.0.2.211]) (proxying for 198.51.100.211) "
             "(SquirrelMail authenticated user alice) by mail.example.net with HTTP",
     .ip = "198.51.100.211", .auth = "HTTP"},
    {.name = "HELO name reads by",
     .line = "from by (by.example.org [192.0.2.251]) by mx.example.net (Postfix) with ESMTP",
     .ip = "192.0.2.251", .helo = "by", .by = "mx.example.net"},
    {.name = "unbalanced parenthesis",
     .line = "from x (y [192.0.2.230] by z.example.net with SMTP",
     .ip = "192.0.2.230", .by = "z.example.net"},
};

TEST(ReceivedParser, MtaFormats)
{
    for (const auto& c : mta_formats)
        check(c);
}

const Case auth_markers[] = {
    {.name = "ESMTPSA", .line = "from [192.168.1.5] ([198.51.100.99]) by smtp.example.com with "
                                "ESMTPSA id abc123sm456789lfg.12.2024.09.09.10.00.00",
     .ip = "198.51.100.99", .auth = "ESMTPSA"},
    {.name = "ESMTPA", .line = "from [192.168.0.5] (unknown [198.51.100.122]) by "
                               "mail.example.net (MDaemon PRO v19) with ESMTPA id md5000002.msg",
     .auth = "ESMTPA"},
    {.name = "esmtpa, Exim", .line = "from [198.51.100.60] (helo=client.example) by "
                                     "mx.example.net with esmtpa (Exim 4.94) id 1rAbCe-0001",
     .auth = "esmtpa"},
    {.name = "LMTPA", .line = "from lmtp.example.net ([192.0.2.201]) by imap.example.net with "
                              "LMTPA; Tue, 10 Sep 2024 10:00:00 +0000",
     .auth = "LMTPA"},
    {.name = "UTF8SMTPSA", .line = "from h.example.org (h.example.org [192.0.2.231]) by "
                                   "mx.example.net (Postfix) with UTF8SMTPSA id 99",
     .auth = "UTF8SMTPSA"},
    {.name = "ASMTP", .line = "from h.example.org ([192.0.2.232]) by mx.example.net with ASMTP "
                              "id 99; Tue, 10 Sep 2024 10:00:00 +0000",
     .auth = "ASMTP"},
    {.name = "CommuniGate ESMTPA",
     .line = "from [192.0.2.130] (account alice@example.org HELO laptop.example.org) by "
             "mail.example.org (CommuniGate Pro SMTP 6.2.0) with ESMTPA id 12345",
     .ip = "192.0.2.130", .auth = "ESMTPA", .helo = "laptop.example.org"},
    {.name = "CommuniGate account",
     .line = "from [192.0.2.133] (account alice@example.org HELO laptop) by mail.example.org "
             "(CommuniGate Pro SMTP 5.1.13) with ESMTP id 5678",
     .auth = "Communigate", .helo = "laptop"},
    {.name = "Postfix Authenticated sender",
     .line = "from [192.168.1.20] (unknown [203.0.113.9]) (Authenticated sender: alice) by "
             "smtp.example.org (Postfix) with ESMTP id 1A2B3C",
     .ip = "203.0.113.9", .auth = "Postfix"},
    {.name = "Postfix renamed",
     .line = "from [192.168.1.20] (unknown [203.0.113.9]) (Authenticated sender: alice) by "
             "smtp.example.org (Mailer) with ESMTP id 1A2B3C",
     .auth = "Postfix (Mailer)"},
    {.name = "Sendmail authenticated bits",
     .line = "from laptop (dsl.example.org [198.51.100.40]) (authenticated bits=0) by "
             "mail.example.net (8.14.4/8.14.4) with ESMTP id q1ABC",
     .ip = "198.51.100.40", .auth = "Sendmail"},
    {.name = "authenticated comment after nested comment",
     .line = "from rev.example (nat.example.org [192.0.2.240] (may be forged)) (authenticated) "
             "by mail.example.net (8.11.4/8.11.4) with ESMTP id h0KKa7d32306",
     .auth = "Sendmail"},
    {.name = "Courier / qmail AUTH",
     .line = "from client.example.org ([198.51.100.74]) (AUTH: LOGIN alice) by "
             "mail.example.net with esmtp; Tue, 10 Sep 2024 10:00:00 +0000",
     .ip = "198.51.100.74", .auth = "LOGIN"},
    {.name = "Courier AUTH with TLS note",
     .line = "from client.example.org ([::ffff:198.51.100.111]) (AUTH: CRAM-MD5 alice, TLS: "
             "TLSv1) by mail.example.net with esmtp; Tue, 10 Sep 2024 10:00:00 +0000",
     .ip = "198.51.100.111", .auth = "CRAM-MD5"},
    {.name = "Critical Path",
     .line = "from h.example.org ([192.0.2.234]) by mail.example.net (4.5.123) (authenticated "
             "as alice) id 99ABC; Tue, 10 Sep 2024 10:00:00 +0000",
     .auth = "CriticalPath"},
    {.name = "GMX",
     .line = "from dslb.example.org (EHLO homepc) [192.0.2.235] by mail.gmx.net (mp010) with "
             "SMTP; 03 Feb 2007 13:13:47 +0100",
     .ip = "192.0.2.235", .auth = "GMX (SMTP / mail.gmx.net)", .helo = "homepc",
     .rdns = "dslb.example.org"},
    {.name = "Gmail submission id",
     .line = "from h.example.org ([198.51.100.100]) by mx.google.com with ESMTPS id "
             "3sm1234567qwe.5.2009.01.02.03.04.05 (version=TLSv1/SSLv3 cipher=RC4-MD5)",
     .auth = "GMail - transport=TLSv1/SSLv3 cipher=RC4-MD5"},
    {.name = "Gmail relay id is not submission",
     .line = "from h.example.org ([198.51.100.101]) by mx.google.com with ESMTPS id "
             "3si1234567qwe.5.2009.01.02.03.04.05 (version=TLSv1/SSLv3 cipher=RC4-MD5)",
     .auth = ""},
    {.name = "Exchange HTTP-DAV",
     .line = "from h.example.org ([192.0.2.236]) by mail.example.net with Microsoft Exchange "
             "Server HTTP-DAV ; Tue, 10 Sep 2024 10:00:00 +0000",
     .auth = "HTTP-DAV"},
    {.name = "via HTTP comment",
     .line = "from webmail.example.org ([192.0.2.233]) by mail.example.net (via HTTP); Tue, 10 "
             "Sep 2024 10:00:00 +0000",
     .auth = "HTTP"},
    {.name = "HTTPU", .line = "from [192.0.2.132] (account alice@example.org) by "
                              "mail.example.org (CommuniGate Pro XIMSS 6.1.1) with HTTPU id 1",
     .auth = "HTTPU"},
    {.name = "plain ESMTP is not auth",
     .line = "from h.example.org (h.example.org [192.0.2.241]) by mx.example.net (Postfix) "
             "with ESMTP id 1",
     .auth = ""},
    {.name = "ESMTPS is not auth",
     .line = "from h.example.org (h.example.org [192.0.2.242]) by mx.example.net (Postfix) "
             "with ESMTPS id 1",
     .auth = ""},
};

TEST(ReceivedParser, AuthMarkers)
{
    for (const auto& c : auth_markers)
        check(c);
}

const Case not_handovers[] = {
    {.name = "by-only", .line = "by mx.example.net (Postfix, from userid 1000) id 5D3C2; Tue, "
                                "3 Sep 2024 10:11:12 +0000",
     .kind = HopKind::skipped, .ip = "", .by = "mx.example.net"},
    {.name = "qmail invoked by uid",
     .line = "(qmail 12345 invoked by uid 89); 6 Sep 2024 10:00:00 -0000",
     .kind = HopKind::skipped, .ip = ""},
    {.name = "qmail invoked from network",
     .line = "(qmail 12346 invoked from network); 6 Sep 2024 10:00:00 -0000",
     .kind = HopKind::skipped},
    {.name = "sendmail -t", .line = "(from alice@localhost) by host.example.net "
                                    "(8.15.2/8.15.2/Submit) id 48D1xyz",
     .kind = HopKind::skipped},
    {.name = "Exim local", .line = "from exim by host.example.net with local (Exim 4.96) "
                                   "(envelope-from <exim@host.example.net>) id 1rAbCf-000125",
     .kind = HopKind::skipped},
    {.name = "Exim local-esmtp", .line = "from root (helo=localhost) by host.example.net with "
                                         "local-esmtp (Exim 4.43) id 1Ccq0j-0002k2-Lk",
     .kind = HopKind::skipped},
    {.name = "with local for", .line = "from www-data by host.example.net (Exim 4.50) with "
                                       "local for <x@example.net> id 1GFbZc",
     .kind = HopKind::skipped},
    {.name = "from NAME by HOST;",
     .line = "from virtual.example.org by bolero.example.net ; Thu, 20 Feb 2003 23:32:58 +0100",
     .kind = HopKind::skipped},
    {.name = "SMTPSVC pickup", .line = "from mail pickup service by mail.example.net with "
                                       "Microsoft SMTPSVC; Mon, 9 Sep 2024 10:00:00 -0700",
     .kind = HopKind::skipped},
    {.name = "Cyrus unix socket", .line = "from mail.example.net ([unix socket]) by "
                                          "mail.example.net (Cyrus v2.3.14) with LMTPA",
     .kind = HopKind::skipped, .auth = nullptr},
    {.name = "Dovecot LMTP", .line = "from mail.example.net by mail.example.net with LMTP id "
                                     "AbCdEf (envelope-from <x@example.org>) for <y@example.net>",
     .kind = HopKind::skipped},
    {.name = "OpenSMTPD local", .line = "from localhost (mx.example.net [local]) by "
                                        "mx.example.net (OpenSMTPD) with ESMTPA id 5db34e0d",
     .kind = HopKind::skipped, .auth = nullptr},
    {.name = "unix socket submission", .line = "from localhost (localhost [[UNIX: localhost]]) "
                                               "by host.example.net (8.12.11/8.12.11/Submit) id x",
     .kind = HopKind::skipped},
    {.name = "localhost ident", .line = "from raptor.example.org (bala@localhost) by "
                                        "raptor.example.org (8.9.3) with ESMTP id KAA14788",
     .kind = HopKind::skipped},
    {.name = "local user", .line = "from alice@example.org by imo.example.net (mail_out_v34) "
                                   "id 7.53.208064a0 (4394)",
     .kind = HopKind::skipped},
    {.name = "address as name, no with", .line = "from 198.51.100.150 by web1.example.com via "
                                                 "HTTP; Mon, 09 Sep 2013 10:00:00 PDT",
     .kind = HopKind::skipped},
    {.name = "no from-part", .line = "with ECARTIS (v1.0.0; list bind-announce); Fri, 18 Aug "
                                     "2006 07:19:58 +0000 (UTC)",
     .kind = HopKind::skipped},
    {.name = "from-part without address",
     .line = "from Tomobiki.example.org (Tomobiki.example.org) by ikkoku.example.com "
             "(NeXT-1.0) id AA12299; Tue, 8 Oct 91 07:29:39 PDT",
     .kind = HopKind::unparseable, .ip = "", .helo = "Tomobiki.example.org",
     .by = "ikkoku.example.com"},
    {.name = "no by host", .line = "from h.example.org (h.example.org [192.0.2.250]) id 12; "
                                   "Tue, 10 Sep 2024 10:00:00 +0000",
     .kind = HopKind::unparseable, .ip = "192.0.2.250"},
    {.name = "empty", .line = "", .kind = HopKind::skipped},
};

TEST(ReceivedParser, NotHandovers)
{
    for (const auto& c : not_handovers)
        check(c);
}

const Case fetches[] = {
    {.name = "fetchmail IMAP",
     .line = "from imap.example.org [192.0.2.190] by localhost with IMAP (fetchmail-6.4.37) for "
             "<alice@localhost> (single-drop); Tue, 10 Sep 2024 10:00:00 +0200 (CEST)",
     .kind = HopKind::fetch},
    {.name = "fetchmail POP3 IPv6",
     .line = "from pop.example.org [2001:db8::190] by localhost with POP3 (fetchmail-6.4.37) "
             "for <alice@localhost> (single-drop)",
     .kind = HopKind::fetch},
    {.name = "getmail", .line = "from pop.example.org (192.0.2.191) by laptop.example.net with "
                                "POP3; 14 Apr 2010 11:14:29 -0000",
     .kind = HopKind::fetch},
    {.name = "getmail IMAP, no address", .line = "from imap.example.org by laptop with "
                                                 "IMAP4-SSL; 14 Apr 2010 11:14:29 -0000",
     .kind = HopKind::fetch},
    // SpamAssassin reads this shape before it looks for fetch markers: a handover.
    {.name = "full address comment wins over POP3",
     .line = "from pop.example.org (pop.example.org [192.0.2.192]) by localhost (8.12.8) with "
             "POP3 id 1",
     .kind = HopKind::handover, .ip = "192.0.2.192"},
};

TEST(ReceivedParser, Fetches)
{
    for (const auto& c : fetches)
        check(c);
}

const Case addresses[] = {
    {.name = "IPv6: prefix", .line = "from m.example.org (m.example.org [IPv6:2001:db8::25]) by "
                                     "mx.example.net (Postfix) with ESMTPS id 4XyzQ",
     .ip = "2001:db8::25"},
    {.name = "IPv6 upper case, Exim port",
     .line = "from m.example.org ([2001:DB8::51]:41234 helo=m.example.org) by mx.example.net "
             "with esmtps (Exim 4.92) id 1rAbCh-000127-8I",
     .ip = "2001:db8::51"},
    {.name = "v4-mapped with IPv6: prefix",
     .line = "from c.example.org (c.example.org [IPv6:::ffff:192.0.2.112]) by mx.example.net "
             "(Postfix) with ESMTP id 1",
     .ip = "192.0.2.112"},
    {.name = "v4-mapped", .line = "from c.example.org ([::ffff:198.51.100.111]) by "
                                  "mail.example.net with esmtp; Tue, 10 Sep 2024 10:00:00 +0000",
     .ip = "198.51.100.111"},
    {.name = "zone", .line = "from h.example.org ([fe80::1%eth0]) by h2.example.org with mapi "
                             "id 15.20.1943.023",
     .ip = "fe80::1"},
    {.name = "IPv4 port after a dot", .line = "from j.example.org ([192.0.2.24.63559]) by "
                                              "mailhost.example.net with esmtp (v3.35.1) id 1G",
     .ip = "192.0.2.24"},
    {.name = "leading zero is not an address",
     .line = "from h.example.org (h.example.org [192.0.2.010]) by mx.example.net (Postfix) with "
             "ESMTP id 1",
     .kind = HopKind::unparseable, .ip = ""},
    {.name = "octet out of range", .line = "from h.example.org (h.example.org [192.0.2.300]) by "
                                           "mx.example.net (Postfix) with ESMTP id 1",
     .kind = HopKind::unparseable, .ip = ""},
    {.name = "full IPv6", .line = "from h.example.org (h.example.org "
                                  "[2001:0db8:0000:0000:0000:ff00:0042:8329]) by mx.example.net "
                                  "(Postfix) with ESMTP id 1",
     .ip = "2001:db8::ff00:42:8329"},
};

TEST(ReceivedParser, AddressNormalisation)
{
    for (const auto& c : addresses)
        check(c);
}

TEST(ReceivedParser, OtherFields)
{
    const Hop hop = parse_received(
        "from mail.example.org (mail.example.org [192.0.2.10])\r\n\tby mx.example.net "
        "(Postfix) with ESMTPS id 4Xyz12AbC\r\n\tfor <user@example.net>; Tue, 3 Sep 2024 "
        "10:11:12 +0200 (CEST)");
    EXPECT_EQ(hop.kind, HopKind::handover);
    EXPECT_EQ(hop.protocol.value_or(""), "ESMTPS");
    EXPECT_EQ(hop.id.value_or(""), "4Xyz12AbC");
    EXPECT_EQ(hop.for_addr.value_or(""), "user@example.net");
    EXPECT_EQ(hop.date.value_or(0), 1725351072);
    EXPECT_TRUE(hop.mta_looked_up_dns);

    const Hop svc = parse_received("from c.example.org ([192.0.2.90]) by mail.example.net with "
                                   "Microsoft SMTPSVC(6.0.3790.4675); Mon, 9 Sep 2024 10:00:00");
    EXPECT_EQ(svc.protocol.value_or(""), "Microsoft SMTPSVC");
    EXPECT_FALSE(svc.mta_looked_up_dns);

    // Exchange's "id" is its build number, not a queue id.
    const Hop ms = parse_received("from m.example.org (192.0.2.80) by ex.example.net "
                                  "(10.13.2.100) with Microsoft SMTP Server id 15.20.7918.12");
    EXPECT_EQ(ms.protocol.value_or(""), "Microsoft SMTP Server");
    EXPECT_FALSE(ms.id.has_value());
}

// --- hostile input ---------------------------------------------------------------------------

template <typename F>
long long elapsed_ms(F&& f)
{
    const auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now() - start)
        .count();
}

TEST(ReceivedParser, HostileInputIsBounded)
{
    const std::string prefix = "from a.example.org (a.example.org [192.0.2.1]) by b.example.net ";
    const std::string patterns[] = {"(", ")", "[", "]", "([", "[(", "(a [", " by ", " with ",
                                    "] (", "])", ";", "\\", "\"", "id ", "(authenticated ",
                                    " (AUTH: LOGIN ", "envelope-from ", "::", "1.2.3.4."};
    for (const auto& p : patterns) {
        std::string big = prefix;
        while (big.size() < (1u << 20))
            big += p;
        Hop hop;
        const auto ms = elapsed_ms([&] { hop = parse_received(big); });
        SCOPED_TRACE(p);
        EXPECT_LT(ms, 1000);
        EXPECT_NE(hop.reason.find("cut to"), std::string::npos) << hop.reason;
    }
}

TEST(ReceivedParser, HostileBytes)
{
    const std::string lines[] = {
        "from a\0b (c [192.0.2.1]) by d\0e with SMTP; Tue, 3 Sep 2024"s,
        "from \xff\xfe\xfd (\xc3\x28 [192.0.2.2]) by \xe2\x82 with \xf0\x90\x80; \x80\x81",
        "from ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
        "from ))))))))))))))))))))))))))))))))))))))))))))))))))) by x",
        "from [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ by ]]]]]]]]]]]]]]]]]",
        "from (a (b (c (d (e (f (g [192.0.2.3])))))))) by x.example.net with SMTP",
        "from",
        "from ",
        ";;;;;;;",
        "from x by",
        "from x (y [",
        "from x ([192.0.2.4",
        "(from",
        "from x (HELO",
        "from [(]) by x",
        "from a (b [192.0.2.5]) by c with SMTP; 99 Zzz 99999 99:99:99 +9999",
    };
    for (const auto& line : lines) {
        SCOPED_TRACE(line);
        const Hop hop = parse_received(line);
        for (const auto* field : {&hop.helo, &hop.rdns, &hop.by, &hop.ident, &hop.id}) {
            if (*field) {
                EXPECT_EQ(field->value().str().find('\0'), std::string::npos);
            }
        }
    }
    // Control characters never reach a stored value, even through a comment quoted in a
    // reason or an auth method copied from the line.
    const Hop local = parse_received("from a (u\x01@localhost) by b (8.12.11) with ESMTP id 1"s);
    EXPECT_EQ(local.kind, HopKind::skipped);
    EXPECT_EQ(local.reason.find('\x01'), std::string::npos) << local.reason;
    const Hop nul = parse_received(lines[0]);
    EXPECT_EQ(nul.kind, HopKind::handover);
    EXPECT_EQ(nul.ip ? nul.ip->to_string() : "", "192.0.2.1");
    EXPECT_EQ(nul.helo.value_or(""), "a?b");
}

TEST(ReceivedParser, LongValueIsCutAndSaysSo)
{
    std::string line = "from a.example.org (a.example.org [192.0.2.1]) by b.example.net with "
                       "ESMTP id 1 for <x@example.net>";
    line += std::string(max_received_length, ' ');
    line += "(x)";
    const Hop hop = parse_received(line);
    EXPECT_EQ(hop.kind, HopKind::handover); // the cut only lost trailing blanks
    EXPECT_NE(hop.reason.find("cut to"), std::string::npos);
    const Hop bare = parse_received(std::string(max_received_length * 2, 'x'));
    EXPECT_EQ(bare.kind, HopKind::skipped);
    EXPECT_NE(bare.reason.find("cut"), std::string::npos);
}

// --- dates ----------------------------------------------------------------------------------

struct DateCase {
    const char* text;
    std::optional<std::int64_t> expected;
};

const DateCase dates[] = {
    {"Tue, 3 Sep 2024 10:11:12 +0200 (CEST)", 1725351072},
    {"Tue, 15 May 2001 23:40:33 +0000 (Eire)", 989970033},
    {" Tue, 8 Oct 91 07:29:39 PDT", 686932179},
    {"Fri Feb 07 10:18:12 2003 -0800", 1044641892},
    {"Sun Nov 13 14:50:12 2005", 1131893412},
    {"Thu, 02 Apr 2020 07:53:55.516 +0000 (UTC)", 1585814035},
    {"Wed, 26 Mar 03 20:43:24 -0600", 1048733004},
    {"Wed, 12 Feb 2003 14:22:21 PST", 1045088541},
    {"29 Feb 2004 00:00:00 GMT", 1078012800},
    {"2003-03-07 12:00:00", 1047038400},
    {"Tue, 3 Sep 2024 10:11 +0000", 1725358260},
    {"Tue, 3 Sep 2024 10:11:12 +05:30", 1725338472},
    {"30 Feb 2004 00:00:00 GMT", std::nullopt},
    {"Tue, 3 Sep 2024", std::nullopt},
    {"", std::nullopt},
    {"garbage", std::nullopt},
    {"99 Zzz 99999 99:99:99 +9999", std::nullopt},
    {"1 Jan 2024 25:00:00", std::nullopt},
    {"1 Jan 99999999999999999999 10:00:00", std::nullopt},
};

TEST(ReceivedDate, Formats)
{
    for (const auto& d : dates) {
        SCOPED_TRACE(d.text);
        EXPECT_EQ(parse_mail_date(d.text), d.expected);
    }
}

} // namespace
} // namespace fightback::trace
