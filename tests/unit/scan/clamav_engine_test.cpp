// libclamav in-process with the project's database: the test worm, EICAR and the IFrame
// shape inside real mail structure, Debian's clamav-testfiles through the parsers, names
// without ".UNOFFICIAL", part location, many threads on one engine, and a database that
// cannot be loaded.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "fightback/scan/classifier.hpp"
#include "fightback/scan/clamav_engine.hpp"
#include "fightback/util/file.hpp"
#include "paths.hpp"
#include "support/sample_mail.hpp"
#include "support/temp_dir.hpp"

using namespace fightback;
using namespace fightback::scan;
namespace samples = fightback::test_mail;

namespace {

class ClamavEngineTest : public testing::Test {
protected:
    static void SetUpTestSuite()
    {
        EngineSettings settings;
        settings.database = test_scan::test_database();
        auto loaded = ClamavEngine::load(settings);
        ASSERT_TRUE(loaded) << loaded.error().message;
        s_engine = std::shared_ptr<const ClamavEngine>(std::move(*loaded));
    }
    static void TearDownTestSuite() { s_engine.reset(); }

    static std::optional<Detection> scan(std::string_view data)
    {
        auto r = s_engine->scan(data, "test");
        EXPECT_TRUE(r) << r.error().message;
        return r ? *r : std::nullopt;
    }

    static std::shared_ptr<const ClamavEngine> s_engine;
};

std::shared_ptr<const ClamavEngine> ClamavEngineTest::s_engine;

TEST_F(ClamavEngineTest, LoadsTheProjectDatabase)
{
    EXPECT_EQ(s_engine->signature_count(), 4u);
    EXPECT_NE(s_engine->description().find("4 signatures"), std::string::npos);
}

TEST_F(ClamavEngineTest, FindsTheTestWormInsideItsAttachment)
{
    auto d = scan(samples::worm_message());
    ASSERT_TRUE(d);
    EXPECT_EQ(d->name, "Fightback.Worm.TestWorm-1");
    EXPECT_TRUE(d->unofficial);
}

TEST_F(ClamavEngineTest, FindsEicarAndTheIFrameShape)
{
    auto e = scan(samples::eicar_message());
    ASSERT_TRUE(e);
    EXPECT_EQ(e->name, "Fightback.Eicar-Test-Signature");
    auto plain = scan(samples::eicar_string());
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->name, "Fightback.Eicar-Test-Signature");
    auto i = scan(samples::iframe_message());
    ASSERT_TRUE(i);
    EXPECT_EQ(i->name, "Fightback.Exploit.IFrame-Test");
}

TEST_F(ClamavEngineTest, CleanMailIsClean)
{
    EXPECT_FALSE(scan(samples::clean_message()));
    EXPECT_FALSE(scan(samples::html_only_message()));
    EXPECT_FALSE(scan(""));
}

// With the parsers off (a zeroed cl_scan_options) the base64 attachment would hide the
// payload: finding it proves the mail parser is on.
TEST_F(ClamavEngineTest, PayloadIsOnlyVisibleDecoded)
{
    const auto message = samples::worm_message();
    ASSERT_EQ(message.find("FIGHTBACK-TEST-WORM"), std::string::npos);
    EXPECT_TRUE(scan(message));
}

TEST_F(ClamavEngineTest, DebianTestFilesThroughTheParsers)
{
    const auto dir = test_scan::clamav_testfiles();
    if (!std::filesystem::exists(dir / "clam.exe"))
        GTEST_SKIP() << "clamav-testfiles is not installed";
    int scanned = 0;
    // Archives, mail encodings, documents, packers: each holds clam.exe somewhere.
    for (const char* name :
         {"clam.exe", "clam.zip", "clam.tar.gz", "clam.7z", "clam.cab", "clam.exe.bz2",
          "clam.exe.mbox.base64", "clam.exe.mbox.uu", "clam.exe.binhex", "clam.mail",
          "clam.tnef", "clam.ole.doc", "clam.pdf", "clam.exe.rtf", "clam.arj", "clam-upx.exe"}) {
        const auto path = dir / name;
        if (!std::filesystem::exists(path))
            continue;
        auto bytes = read_file(path, 16u << 20);
        ASSERT_TRUE(bytes) << bytes.error().message;
        auto d = s_engine->scan(*bytes, name);
        ASSERT_TRUE(d) << name << ": " << d.error().message;
        ASSERT_TRUE(*d) << name << " was not detected";
        EXPECT_EQ((*d)->name, "ClamAV-Test-File") << name;
        ++scanned;
    }
    EXPECT_GE(scanned, 10);
}

TEST_F(ClamavEngineTest, ManyThreadsShareOneEngine)
{
    const std::vector<std::string> inputs = {samples::worm_message(), samples::clean_message(),
                                             samples::eicar_message(), samples::html_only_message()};
    std::atomic<int> wrong{0};
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const auto& input = inputs[static_cast<std::size_t>(i + t) % inputs.size()];
                auto r = s_engine->scan(input, "thread");
                const bool infected = &input == &inputs[0] || &input == &inputs[2];
                if (!r || r->has_value() != infected)
                    ++wrong;
            }
        });
    threads.clear();
    EXPECT_EQ(wrong.load(), 0);
}

TEST_F(ClamavEngineTest, ClassifierNamesThePartAndTheRule)
{
    Classifier classifier(s_engine, Rules::defaults());
    auto message = mail::Message::from_bytes(samples::worm_message("movie.exe"));
    ASSERT_TRUE(message);
    auto v = classifier.classify(*message);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->kind, VerdictKind::infected);
    EXPECT_EQ(v->name, "Fightback.Worm.TestWorm-1");
    EXPECT_EQ(v->action, Action::complain);
    EXPECT_EQ(v->part, "part 2 'movie.exe' (application/x-msdownload)");
    EXPECT_NE(v->reason.find("*Worm*"), std::string::npos) << v->reason;

    // Loaded for the header only (as the batch scan does): the part is still found.
    mail::LoadLimits headers_only;
    headers_only.headers_only = true;
    auto light = mail::Message::from_bytes(samples::eicar_message(), headers_only);
    ASSERT_TRUE(light);
    auto e = classifier.classify(*light);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->action, Action::quarantine);
    EXPECT_EQ(e->part, "part 2 'eicar.com' (application/octet-stream)");

    auto i = classifier.classify(*mail::Message::from_bytes(samples::iframe_message()));
    ASSERT_TRUE(i);
    EXPECT_EQ(i->action, Action::review);
    EXPECT_EQ(i->part, "") << "matched in the raw message, not in a decoded part";

    auto clean = classifier.classify(*mail::Message::from_bytes(samples::clean_message()));
    ASSERT_TRUE(clean);
    EXPECT_EQ(clean->kind, VerdictKind::clean);
    EXPECT_EQ(clean->action, Action::keep);
}

TEST_F(ClamavEngineTest, SpamHeadersApplyWhenNoSignatureMatched)
{
    Rules rules = Rules::defaults();
    rules.rules.push_back({Rule::Kind::header, {}, "X-Spam-Flag", {}, Action::complain});
    Classifier classifier(s_engine, rules);
    auto spam = mail::Message::from_bytes(samples::clean_message("X-Spam-Flag: YES\n"));
    ASSERT_TRUE(spam);
    auto v = classifier.classify(*spam);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->kind, VerdictKind::spam);
    EXPECT_EQ(v->name, "X-Spam-Flag");
    EXPECT_EQ(v->action, Action::complain);
    // A worm wins over the spam header.
    auto both = mail::Message::from_bytes("X-Spam-Flag: YES\n" + samples::worm_message());
    ASSERT_TRUE(both);
    auto w = classifier.classify(*both);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->kind, VerdictKind::infected);
}

TEST(ClamavEngineLoad, MissingOrEmptyDatabaseIsTemporary)
{
    EngineSettings settings;
    settings.database = std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav" / "no-such-dir";
    auto missing = ClamavEngine::load(settings);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::temporary);

    // A directory holding no signature files.
    test_support::TempDir empty_dir;
    settings.database = empty_dir.path();
    auto empty = ClamavEngine::load(settings);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind, ErrorKind::temporary) << empty.error().message;
}

TEST(ClamavEngineLoad, OneSignatureFileAndLimits)
{
    EngineSettings settings;
    settings.database = std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav" / "fightback-test.ndb";
    settings.max_file_size = 1 << 20;
    settings.max_scan_size = 4 << 20;
    settings.max_scan_time_ms = 10000;
    settings.max_recursion = 8;
    settings.max_files = 100;
    auto engine = ClamavEngine::load(settings);
    ASSERT_TRUE(engine) << engine.error().message;
    EXPECT_EQ((*engine)->signature_count(), 3u);
    auto d = (*engine)->scan(samples::worm_message(), "x");
    ASSERT_TRUE(d && *d);
}

} // namespace
