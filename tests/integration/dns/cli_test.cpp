// `fightback find-sender-domain` and the `find-sender-domain` symlink as a cron script runs
// them, against the unbound world: stdout holds the domain and nothing else, exit codes 0/1/2,
// reasons on stderr, --explain, --ip, the [dns] setting, and a server that never answers.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/fake_dns_server.hpp"
#include "unbound_world.hpp"

extern char** environ;

namespace fightback::test_dns {
namespace {

namespace fs = std::filesystem;

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class FindSenderDomainCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_NE(world(), nullptr) << "no DNS test world";
        std::string pattern = (fs::temp_directory_path() / "fightback-cli-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        m_dir = pattern;
        fs::create_directories(m_dir / "config");
    }
    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }

    // Runs `program args...` with stdin from `input` (or /dev/null) and an empty
    // XDG_CONFIG_HOME, so the user's own config never leaks into a test.
    Outcome run(const fs::path& program, std::vector<std::string> args,
            const std::optional<fs::path>& input = std::nullopt)
    {
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e)
            if (std::string_view(*e).rfind("XDG_CONFIG_HOME=", 0) != 0)
                env_strings.emplace_back(*e);
        env_strings.push_back("XDG_CONFIG_HOME=" + (m_dir / "config").string());
        std::vector<char*> envp;
        for (auto& s : env_strings)
            envp.push_back(s.data());
        envp.push_back(nullptr);

        args.insert(args.begin(), program.string());
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);

        const fs::path out = m_dir / "stdout", err = m_dir / "stderr";
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, input ? input->c_str() : "/dev/null",
                                         O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        pid_t pid = -1;
        Outcome result;
        if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data()) == 0) {
            int status = 0;
            ::waitpid(pid, &status, 0);
            result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        posix_spawn_file_actions_destroy(&actions);
        result.out = slurp(out);
        result.err = slurp(err);
        return result;
    }

    Outcome fightback(std::vector<std::string> args,
                  const std::optional<fs::path>& input = std::nullopt)
    {
        args.insert(args.begin(), "find-sender-domain");
        return run(FIGHTBACK_BINARY, std::move(args), input);
    }

    std::string server() const { return world()->server_text(); }
    static fs::path message(const char* name) { return fs::path(FIGHTBACK_DNS_ZONES) / "mail" / name; }

    fs::path m_dir;
};

TEST_F(FindSenderDomainCli, DomainFromTheTracedOriginNotTheOldestLine)
{
    auto r = fightback({"--dns-server", server(), message("from-isp-two.eml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "isp-two.test\n");
    EXPECT_EQ(r.err, "");
}

TEST_F(FindSenderDomainCli, StandardInput)
{
    auto r = fightback({"--dns-server", server()}, message("from-isp-two.eml"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "isp-two.test\n");
    auto dash = fightback({"--dns-server", server(), "-"}, message("from-isp-two.eml"));
    EXPECT_EQ(dash.out, "isp-two.test\n");
}

TEST_F(FindSenderDomainCli, InstalledUnderTheOldName)
{
    const fs::path link = fs::path(FIGHTBACK_BINARY).parent_path() / "find-sender-domain";
    ASSERT_TRUE(fs::is_symlink(link)) << link;
    auto r = run(link, {"--dns-server", server(), message("from-isp-two.eml").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "isp-two.test\n");
}

TEST_F(FindSenderDomainCli, ExplainShowsEveryLookup)
{
    auto r = fightback({"--explain", "--dns-server", server(), "--ip", "192.0.2.20"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "isp-two.test\n");
    for (const char* part : {"address: 192.0.2.20 (from --ip)",
                             "lookup: PTR 20.2.0.192.in-addr.arpa: dsl-20.pool.isp-two.test",
                             "lookup: A dsl-20.pool.isp-two.test: 192.0.2.20",
                             "lookup: MX dsl-20.pool.isp-two.test: NODATA",
                             "lookup: MX isp-two.test: 10 mx.isp-two.test",
                             "registrable domain: isp-two.test", "domain: isp-two.test"})
        EXPECT_NE(r.err.find(part), std::string::npos) << part << "\n" << r.err;
}

TEST_F(FindSenderDomainCli, NoneExitsOneWithTheReason)
{
    auto null_mx = fightback({"--dns-server", server(), "--ip", "192.0.2.40"});
    EXPECT_EQ(null_mx.exit_code, 1);
    EXPECT_EQ(null_mx.out, "");
    EXPECT_NE(null_mx.err.find("null MX"), std::string::npos) << null_mx.err;

    auto hostile = fightback({"--dns-server", server(), "--ip", "192.0.2.120"});
    EXPECT_EQ(hostile.exit_code, 1);
    EXPECT_EQ(hostile.out, "");
    EXPECT_EQ(hostile.err.find('\r'), std::string::npos);
    EXPECT_NE(hostile.err.find("line break"), std::string::npos) << hostile.err;

    auto no_origin = fightback({"--dns-server", server(), message("no-origin.eml").string()});
    EXPECT_EQ(no_origin.exit_code, 1);
    EXPECT_NE(no_origin.err.find("no origin address"), std::string::npos) << no_origin.err;
}

TEST_F(FindSenderDomainCli, UsageAndInputErrorsExitTwo)
{
    EXPECT_EQ(fightback({"--dns-server", server(), "--ip", "not-an-address"}).exit_code, 2);
    EXPECT_EQ(fightback({"--dns-server", server(), "--ip", "192.0.2.20",
                         message("from-isp-two.eml").string()})
                  .exit_code,
              2);
    EXPECT_EQ(fightback({"--dns-server", server(), (m_dir / "missing.eml").string()}).exit_code,
              2);
    EXPECT_EQ(fightback({"--dns-server", "localhost:53", "--ip", "192.0.2.20"}).exit_code, 2);
    EXPECT_EQ(fightback({"--no-such-flag"}).exit_code, 2);
}

TEST_F(FindSenderDomainCli, ServersFromTheConfigFile)
{
    const fs::path config = m_dir / "fightback.toml";
    std::ofstream(config) << "[dns]\nservers = [\"" << server() << "\"]\ntimeout_ms = 500\n";
    auto r = fightback({"--ip", "192.0.2.30", "--config", config.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "a-only.test\n");

    std::ofstream(config) << "[dns]\nservers = [\"not a server\"]\n";
    auto bad = fightback({"--ip", "192.0.2.30", "--config", config.string()});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("dns.servers"), std::string::npos) << bad.err;
}

TEST_F(FindSenderDomainCli, SilentServerIsATemporaryFailure)
{
    SilentServer silent;
    auto r = fightback({"--dns-server", "127.0.0.1:" + std::to_string(silent.port()),
                        "--dns-timeout-ms", "100", "--dns-tries", "1", "--ip", "192.0.2.20"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("timeout"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("try again later"), std::string::npos) << r.err;
}

} // namespace
} // namespace fightback::test_dns
