// The report page in a real browser: a ledger with the known history on disk, the desks'
// sample replies read by `fightback replies` from a Maildir, `fightback stats --html` writes the
// page, and headless Chromium renders it. The rendered DOM must hold each chart's SVG elements
// and titles and none of the hostile markup; a screenshot is saved beside the page
// (FIGHTBACK_STATS_SCREENSHOT names a copy to keep). Without a working Chromium the test skips.
#include <sys/wait.h>
#include <spawn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fightback/ledger/source_networks.hpp"
#include "unit/stats/ledger_history.hpp"

extern char** environ;

namespace fightback {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir()
    {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : P_tmpdir) + "/fb-stats.XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp");
        m_path = pattern;
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    const fs::path& path() const { return m_path; }

private:
    fs::path m_path;
};

struct Run {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs argv[0] found on PATH, without a shell; stdout and stderr go to files in `dir`.
Run run(const std::vector<std::string>& args, const fs::path& dir)
{
    const auto out_path = dir / "run.out";
    const auto err_path = dir / "run.err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    Run r;
    if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
        int status = 0;
        waitpid(pid, &status, 0);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    posix_spawn_file_actions_destroy(&actions);
    auto slurp = [](const fs::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    };
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    return r;
}

std::optional<std::string> find_on_path(std::string_view name)
{
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "");
    std::string dir;
    while (std::getline(dirs, dir, ':'))
        if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0)
            return (fs::path(dir) / name).string();
    return std::nullopt;
}

std::size_t count(std::string_view text, std::string_view needle)
{
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

// The serialised <svg id="..."> element of one chart.
std::string_view chart(std::string_view dom, std::string_view id)
{
    const auto start = dom.find(std::string("<svg id=\"") + std::string(id) + "\"");
    if (start == std::string_view::npos)
        return {};
    const auto end = dom.find("</svg>", start);
    return dom.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

TEST(StatsPage, RendersInHeadlessChromium)
{
    TempDir dir;
    const auto ledger_path = dir.path() / "ledger.sqlite";
    {
        auto ledger = ledger::Ledger::open(ledger_path);
        ASSERT_TRUE(ledger) << ledger.error().message;
        test_support::known_history(*ledger);
        ledger::SourceNetwork hostile{"192.0.2.10", "192.0.2.0/25",
                                      "<script>document.title='pwned'</script><b>bold</b>",
                                      "whois.example\"><img src=x onerror=alert(1)>"};
        ASSERT_TRUE(ledger::note_source_network(*ledger, hostile, 0));
    }
    // The desks' replies, delivered to a Maildir as they would arrive.
    const auto maildir = dir.path() / "Replies";
    for (const char* sub : {"cur", "new", "tmp"})
        fs::create_directories(maildir / sub);
    int n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(FIGHTBACK_TEST_DATA) / "replies"))
        fs::copy_file(e.path(), maildir / "new" / ("170000000" + std::to_string(n++) + ".1.test"));

    const std::string fightback = FIGHTBACK_BINARY;
    auto replies = run({fightback, "replies", "--json", "--ledger", ledger_path.string(),
                        maildir.string()},
                       dir.path());
    ASSERT_EQ(replies.status, 0) << replies.err;
    EXPECT_EQ(count(replies.out, "\n"), 10u);
    EXPECT_EQ(count(replies.out, "\"matched_by\":\"none\""), 2u) << replies.out;
    EXPECT_EQ(count(replies.out, "\"matched_by\":\"ticket\""), 1u) << replies.out;

    const auto page = dir.path() / "stats.html";
    const auto now = std::to_string(test_support::known_history_now_ms() / 1000);
    auto stats = run({fightback, "stats", "--ledger", ledger_path.string(), "--now", now,
                      "--html", page.string()},
                     dir.path());
    ASSERT_EQ(stats.status, 0) << stats.err;
    ASSERT_TRUE(fs::exists(page));

    auto chromium = find_on_path("chromium");
    if (!chromium)
        GTEST_SKIP() << "chromium is not installed (Debian package chromium; scripts/setup)";
    const auto profile = dir.path() / "profile";
    fs::create_directories(profile);
    const std::vector<std::string> common{
        *chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile.string()};
    auto args = common;
    args.push_back("--dump-dom");
    args.push_back("file://" + page.string());
    auto dom_run = run(args, dir.path());
    if (dom_run.status != 0 || dom_run.out.find("</html>") == std::string::npos)
        GTEST_SKIP() << "chromium did not run (exit " << dom_run.status
                     << "): " << dom_run.err.substr(0, 500);
    const std::string& dom = dom_run.out;

    EXPECT_NE(dom.find("<title>fightback: did complaining help?</title>"), std::string::npos);
    EXPECT_EQ(dom.find("<title>pwned"), std::string::npos);
    EXPECT_EQ(dom.find("<script"), std::string::npos);
    EXPECT_EQ(dom.find("<img"), std::string::npos);
    EXPECT_EQ(dom.find("<b>bold</b>"), std::string::npos);
    EXPECT_NE(dom.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);

    // Detections and complaints per day: 16 days, a bar and a point each, one line, 2 legend
    // swatches.
    const auto per_day = chart(dom, "chart-per-day");
    ASSERT_FALSE(per_day.empty());
    EXPECT_NE(per_day.find("Detections and complaints per day"), std::string::npos);
    EXPECT_EQ(count(per_day, "<rect"), 18u);
    EXPECT_EQ(count(per_day, "<path"), 1u);
    EXPECT_EQ(count(per_day, "<circle"), 16u);
    // Still active: days 0..14 for both groups, all observed.
    const auto active = chart(dom, "chart-active");
    ASSERT_FALSE(active.empty());
    EXPECT_NE(active.find("Sources still active after a complaint"), std::string::npos);
    EXPECT_EQ(count(active, "<path"), 2u);
    EXPECT_EQ(count(active, "<circle"), 30u);
    EXPECT_EQ(count(active, "class=\"dot-unresolved\""), 15u);
    // Replies: four kinds and "no answer", 2 legend swatches.
    const auto replies_chart = chart(dom, "chart-replies");
    ASSERT_FALSE(replies_chart.empty());
    EXPECT_NE(replies_chart.find("Replies from abuse desks"), std::string::npos);
    EXPECT_EQ(count(replies_chart, "<rect"), 7u);
    EXPECT_NE(replies_chart.find("bounce (3)"), std::string::npos);

    // The screenshot, to look at.
    const auto shot = dir.path() / "stats.png";
    args = common;
    args.push_back("--screenshot=" + shot.string());
    args.push_back("--window-size=1200,1600");
    args.push_back("file://" + page.string());
    auto shot_run = run(args, dir.path());
    ASSERT_TRUE(fs::exists(shot)) << shot_run.err.substr(0, 500);
    EXPECT_GT(fs::file_size(shot), 10000u);
    if (const char* keep = std::getenv("FIGHTBACK_STATS_SCREENSHOT"); keep && *keep)
        fs::copy_file(shot, keep, fs::copy_options::overwrite_existing);
}

} // namespace
} // namespace fightback
