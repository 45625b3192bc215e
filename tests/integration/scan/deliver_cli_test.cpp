// `fightback deliver` as procmail or Postfix runs it: message on stdin, exit 0 only once it is
// in its folder, 75 on every failure with nothing delivered (so the MTA retries and nothing is
// lost or doubled).
#include <fstream>

#include <gtest/gtest.h>

#include "clamd_world.hpp"
#include "fightback/mail/maildir.hpp"
#include "run_command.hpp"
#include "support/sample_mail.hpp"
#include "support/temp_dir.hpp"
#include "tiny_filesystem.hpp"

using namespace fightback;
namespace samples = fightback::test_mail;
using test_scan::run_command;

namespace {

std::vector<std::filesystem::path> files_in(const std::filesystem::path& folder)
{
    std::vector<std::filesystem::path> out;
    for (const char* sub : {"tmp", "new", "cur"}) {
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(folder / sub, ec);
             !ec && it != std::filesystem::directory_iterator(); ++it)
            out.push_back(it->path());
    }
    return out;
}

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class Deliver : public testing::Test {
protected:
    void SetUp() override
    {
        maildir = dir / "Maildir";
        config = dir / "config.toml";
        write_config("");
    }
    void write_config(const std::string& text) { std::ofstream(config) << text; }
    test_scan::CommandResult deliver(const std::string& message, std::vector<std::string> extra = {},
                                     const std::filesystem::path& to = {})
    {
        std::vector<std::string> args{FIGHTBACK_BINARY, "--config", config.string(), "deliver",
                                      "--maildir", (to.empty() ? maildir : to).string()};
        if (std::find(extra.begin(), extra.end(), "--clamd") == extra.end() &&
            std::find(extra.begin(), extra.end(), "--database") == extra.end()) {
            args.push_back("--database");
            args.push_back((std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav").string());
        }
        args.insert(args.end(), extra.begin(), extra.end());
        return run_command(args, message);
    }
    // The one file in `folder`/new, checked to hold `message`.
    void expect_only_in(const std::filesystem::path& folder, const std::string& message)
    {
        std::size_t total = 0;
        for (const auto& f : std::filesystem::recursive_directory_iterator(maildir))
            total += f.is_regular_file() && f.path().filename() != "maildirfolder";
        EXPECT_EQ(total, 1u) << "exactly one copy in the whole Maildir";
        auto here = files_in(folder);
        ASSERT_EQ(here.size(), 1u) << folder;
        EXPECT_EQ(here.front().parent_path().filename(), "new");
        EXPECT_EQ(slurp(here.front()), message);
    }

    test_support::TempDir dir;
    std::filesystem::path maildir, config;
};

TEST_F(Deliver, CleanMailGoesToTheInbox)
{
    auto r = deliver(samples::clean_message());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir, samples::clean_message());
    EXPECT_TRUE(r.err.empty()) << "quiet for clean mail: " << r.err;
}

TEST_F(Deliver, WormIntoQuarantineForTheComplaintRun)
{
    auto r = deliver(samples::worm_message());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir / ".Quarantine", samples::worm_message());
    EXPECT_TRUE(std::filesystem::exists(maildir / ".Quarantine" / "maildirfolder"));
    EXPECT_NE(r.err.find("Fightback.Worm.TestWorm-1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("complain"), std::string::npos) << r.err;
}

TEST_F(Deliver, IFrameHeldForReviewAndHtmlFiledAside)
{
    EXPECT_EQ(deliver(samples::iframe_message()).exit_code, 0);
    expect_only_in(maildir / ".Review", samples::iframe_message());
    std::filesystem::remove_all(maildir);
    EXPECT_EQ(deliver(samples::html_only_message()).exit_code, 0);
    expect_only_in(maildir / ".HTML", samples::html_only_message());
    std::filesystem::remove_all(maildir);
    EXPECT_EQ(deliver(samples::html_only_message(), {"--no-html-folder"}).exit_code, 0);
    expect_only_in(maildir, samples::html_only_message());
}

TEST_F(Deliver, WithoutScannerTheWormIsJustHtmlMailAsIn2003)
{
    auto r = deliver(samples::worm_message(), {"--no-scan"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir / ".HTML", samples::worm_message());
}

TEST_F(Deliver, SpamHeaderRulesAndConfiguredFolders)
{
    write_config("[folders]\nquarantine = \".Junk\"\n\n"
                 "[[scan.rules]]\nname = \"*Worm*\"\naction = \"complain\"\n\n"
                 "[[scan.rules]]\nheader = \"X-Spam-Score\"\nmin_score = 10\naction = \"complain\"\n");
    const auto spam = samples::clean_message("X-Spam-Score: 12.5\n");
    auto r = deliver(spam);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir / ".Junk", spam);
    std::filesystem::remove_all(maildir);
    const auto ham = samples::clean_message("X-Spam-Score: 2.0\n");
    EXPECT_EQ(deliver(ham).exit_code, 0);
    expect_only_in(maildir, ham);
}

TEST_F(Deliver, MboxFromLineIsNotStored)
{
    const auto message = samples::clean_message();
    auto r = deliver("From sender@example.net  Tue Sep 23 10:00:00 2003\n" + message);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir, message);
}

TEST_F(Deliver, LargeMessageStreamsThrough)
{
    std::string big = samples::clean_message();
    for (int i = 0; i < 40000; ++i)
        big += "a line of text to make this message a few megabytes long......\n";
    auto r = deliver(big);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir, big);
}

TEST_F(Deliver, EveryFailureIsTempfailWithNothingDelivered)
{
    struct Case {
        const char* what;
        std::vector<std::string> extra;
        std::string config;
    };
    const std::vector<Case> cases = {
        {"database missing", {"--database", (dir / "nodb").string()}, ""},
        {"config broken", {}, "[scan\n"},
        {"config wrong", {}, "[scan]\nengine = \"sophos\"\n"},
        {"unknown argument", {"--frobnicate"}, ""},
        {"option given twice", {"--maildir"}, ""},
        {"bad option value", {"--engine", "sophos"}, ""},
        {"clamd not running", {"--clamd", (dir / "no.sock").string()}, ""},
    };
    for (const auto& c : cases) {
        write_config(c.config);
        auto r = deliver(samples::worm_message(), c.extra);
        EXPECT_EQ(r.exit_code, 75) << c.what << ": " << r.err;
        EXPECT_NE(r.err.find("exit 75"), std::string::npos) << c.what << ": " << r.err;
        std::size_t files = 0;
        if (std::filesystem::exists(maildir))
            for (const auto& f : std::filesystem::recursive_directory_iterator(maildir))
                files += f.is_regular_file();
        EXPECT_EQ(files, 0u) << c.what;
    }
}

TEST_F(Deliver, MaildirThatCannotBeMadeIsTempfail)
{
    std::ofstream(dir / "blocker") << "a file where the Maildir should be";
    auto r = deliver(samples::clean_message(), {}, dir / "blocker");
    EXPECT_EQ(r.exit_code, 75) << r.err;
}

TEST_F(Deliver, FullFilesystemIsTempfail)
{
    test_scan::TinyFilesystem tiny;
    if (!tiny.mounted())
        GTEST_SKIP() << tiny.why();
    std::string big = samples::worm_message();
    big += std::string(100 * 1024, 'x');
    auto r = deliver(big, {}, tiny.path() / "Maildir");
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_NE(r.err.find("No space left"), std::string::npos) << r.err;
    for (const auto& f : std::filesystem::recursive_directory_iterator(tiny.path()))
        EXPECT_FALSE(f.is_regular_file() && f.file_size() > 0) << f.path();
}

TEST_F(Deliver, ThroughClamd)
{
    std::string why;
    auto world = test_scan::ClamdWorld::start(std::filesystem::path(FIGHTBACK_TEST_DATA) / "clamav", why);
    if (!world)
        GTEST_SKIP() << why;
    auto r = deliver(samples::worm_message(), {"--clamd", world->socket().string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_only_in(maildir / ".Quarantine", samples::worm_message());
    world->stop();
    auto down = deliver(samples::clean_message(), {"--clamd", world->socket().string()});
    EXPECT_EQ(down.exit_code, 75) << down.err;
}

} // namespace
