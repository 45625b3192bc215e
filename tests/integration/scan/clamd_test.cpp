// The same detections through a real clamd the test starts with the project's database, over
// its unix socket and over TCP on loopback; the daemon's stream limit; a daemon that went away.
#include <gtest/gtest.h>

#include "clamd_world.hpp"
#include "fightback/scan/clamd_engine.hpp"
#include "fightback/scan/classifier.hpp"
#include "fightback/util/file.hpp"
#include "support/sample_mail.hpp"

using namespace fightback;
using namespace fightback::scan;
namespace samples = fightback::test_mail;

namespace {

class ClamdTest : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_world = test_scan::ClamdWorld::start(std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav",
                                               s_skip);
    }
    static void TearDownTestSuite() { s_world.reset(); }
    void SetUp() override
    {
        if (!s_world)
            GTEST_SKIP() << s_skip;
    }
    static EngineSettings settings(bool tcp)
    {
        EngineSettings s;
        s.kind = EngineKind::clamd;
        s.clamd_address = tcp ? s_world->tcp_address() : s_world->socket().string();
        s.clamd_timeout = std::chrono::milliseconds(20000);
        return s;
    }

    static std::unique_ptr<test_scan::ClamdWorld> s_world;
    static std::string s_skip;
};

std::unique_ptr<test_scan::ClamdWorld> ClamdTest::s_world;
std::string ClamdTest::s_skip;

TEST_F(ClamdTest, DetectsOverUnixSocketAndTcp)
{
    for (bool tcp : {false, true}) {
        auto engine = make_engine(settings(tcp));
        ASSERT_TRUE(engine) << engine.error().message;
        EXPECT_NE((*engine)->description().find("ClamAV"), std::string::npos);
        auto worm = (*engine)->scan(samples::worm_message(), "worm");
        ASSERT_TRUE(worm) << worm.error().message;
        ASSERT_TRUE(*worm);
        EXPECT_EQ((*worm)->name, "Fightback.Worm.TestWorm-1");
        EXPECT_TRUE((*worm)->unofficial);
        auto eicar = (*engine)->scan(samples::eicar_message(), "eicar");
        ASSERT_TRUE(eicar && *eicar);
        EXPECT_EQ((*eicar)->name, "Fightback.Eicar-Test-Signature");
        auto iframe = (*engine)->scan(samples::iframe_message(), "iframe");
        ASSERT_TRUE(iframe && *iframe);
        EXPECT_EQ((*iframe)->name, "Fightback.Exploit.IFrame-Test");
        auto clean = (*engine)->scan(samples::clean_message(), "clean");
        ASSERT_TRUE(clean);
        EXPECT_FALSE(*clean);
    }
}

TEST_F(ClamdTest, DebianTestFiles)
{
    const std::filesystem::path dir = "/usr/share/clamav-testfiles";
    if (!std::filesystem::exists(dir / "clam.exe"))
        GTEST_SKIP() << "clamav-testfiles is not installed";
    auto engine = make_engine(settings(false));
    ASSERT_TRUE(engine) << engine.error().message;
    for (const char* name : {"clam.exe", "clam.zip", "clam.exe.mbox.base64", "clam.tar.gz"}) {
        auto bytes = read_file(dir / name, 1 << 20);
        ASSERT_TRUE(bytes);
        auto d = (*engine)->scan(*bytes, name);
        ASSERT_TRUE(d) << name << ": " << d.error().message;
        ASSERT_TRUE(*d) << name;
        EXPECT_EQ((*d)->name, "ClamAV-Test-File") << name;
    }
}

TEST_F(ClamdTest, TheClassifierWorksTheSameOnClamd)
{
    auto engine = make_engine(settings(true));
    ASSERT_TRUE(engine);
    Classifier classifier(*engine, Rules::defaults());
    auto message = mail::Message::from_bytes(samples::worm_message("swen.exe"));
    ASSERT_TRUE(message);
    auto v = classifier.classify(*message);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->action, Action::complain);
    EXPECT_EQ(v->part, "part 2 'swen.exe' (application/x-msdownload)");
}

TEST_F(ClamdTest, StreamLimitIsALimitError)
{
    auto engine = make_engine(settings(false));
    ASSERT_TRUE(engine);
    const std::string big(3 << 20, 'x'); // the test clamd takes 1M
    auto r = (*engine)->scan(big, "big");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::limit) << r.error().message;
    // The daemon is still fine afterwards.
    auto after = (*engine)->scan(samples::clean_message(), "after");
    EXPECT_TRUE(after);
}

// Last: it stops the daemon.
TEST_F(ClamdTest, ZzDaemonGoneIsTemporary)
{
    auto engine = make_engine(settings(false));
    ASSERT_TRUE(engine);
    s_world->stop();
    auto r = (*engine)->scan(samples::clean_message(), "x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary);
    auto again = make_engine(settings(false));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::temporary);
}

} // namespace
