// The sendmail pipe against a stand-in program the test writes (its arguments, its input, its
// exit status), SMTP URL and credential checks, and the password file's mode rule.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/send/sendmail_transport.hpp"
#include "fightback/send/smtp_transport.hpp"
#include "fightback/util/file.hpp"

namespace fightback::send {
namespace {

class SendmailTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_dir = std::filesystem::temp_directory_path() /
                fmt::format("fightback-sendmail-{}-{}", ::getpid(), m_counter++);
        std::filesystem::create_directories(m_dir);
        m_program = m_dir / "sendmail";
        std::ofstream(m_program) << "#!/bin/sh\n"
                                    "printf '%s\\n' \"$@\" > \"$FAKE_DIR/args\"\n"
                                    "cat > \"$FAKE_DIR/stdin\"\n"
                                    "[ -n \"$FAKE_SLEEP\" ] && sleep \"$FAKE_SLEEP\"\n"
                                    "echo \"fake says $FAKE_EXIT\" >&2\n"
                                    "exit ${FAKE_EXIT:-0}\n";
        std::filesystem::permissions(m_program, std::filesystem::perms::owner_all);
        ::setenv("FAKE_DIR", m_dir.c_str(), 1);
        ::unsetenv("FAKE_EXIT");
        ::unsetenv("FAKE_SLEEP");
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::string file(const char* name) { return read_file(m_dir / name, 1 << 20).value_or(""); }

    static inline int m_counter = 0;
    std::filesystem::path m_dir;
    std::filesystem::path m_program;
};

TEST_F(SendmailTest, ArgumentsInputAndHandOver)
{
    SendmailTransport t({m_program, std::chrono::milliseconds(5000)});
    bool handed = false;
    auto r = t.deliver({"reports@r.example", {"abuse@isp.example", "pm@isp.example"}},
                       "Subject: x\r\n\r\nline\r\n.\r\n", [&] { return handed = true; });
    EXPECT_EQ(r.status, DeliveryStatus::sent) << r.detail;
    EXPECT_TRUE(handed);
    EXPECT_TRUE(r.handed);
    EXPECT_EQ(file("args"), "-i\n-f\nreports@r.example\n--\nabuse@isp.example\npm@isp.example\n");
    EXPECT_EQ(file("stdin"), "Subject: x\n\nline\n.\n");
}

TEST_F(SendmailTest, ExitStatusDecides)
{
    SendmailTransport t({m_program, std::chrono::milliseconds(5000)});
    auto hook = [] { return true; };
    ::setenv("FAKE_EXIT", "75", 1);
    auto r = t.deliver({"r@r.example", {"a@b.example"}}, "x\r\n", hook);
    EXPECT_EQ(r.status, DeliveryStatus::deferred);
    EXPECT_EQ(r.code, 75);
    EXPECT_NE(r.detail.find("fake says 75"), std::string::npos) << r.detail;
    ::setenv("FAKE_EXIT", "67", 1);
    EXPECT_EQ(t.deliver({"r@r.example", {"a@b.example"}}, "x\r\n", hook).status,
              DeliveryStatus::failed);
    SendmailTransport missing({m_dir / "nope", std::chrono::milliseconds(5000)});
    EXPECT_EQ(missing.deliver({"r@r.example", {"a@b.example"}}, "x\r\n", hook).status,
              DeliveryStatus::deferred);
}

TEST_F(SendmailTest, TimeoutAndRefusedHookAndHostileRecipients)
{
    ::setenv("FAKE_SLEEP", "5", 1);
    SendmailTransport slow({m_program, std::chrono::milliseconds(300)});
    auto r = slow.deliver({"r@r.example", {"a@b.example"}}, "x\r\n", [] { return true; });
    EXPECT_EQ(r.status, DeliveryStatus::deferred);
    EXPECT_NE(r.detail.find("timed out"), std::string::npos) << r.detail;
    ::unsetenv("FAKE_SLEEP");
    SendmailTransport t({m_program, std::chrono::milliseconds(5000)});
    r = t.deliver({"r@r.example", {"a@b.example"}}, "x\r\n", [] { return false; });
    EXPECT_EQ(r.status, DeliveryStatus::deferred);
    EXPECT_FALSE(r.handed);
    r = t.deliver({"r@r.example", {"-oQ/tmp/x@b.example"}}, "x\r\n", [] { return true; });
    EXPECT_EQ(r.status, DeliveryStatus::failed);
}

SmtpOptions smtp(const char* url, StartTls tls = StartTls::required)
{
    SmtpOptions o;
    o.url = url;
    o.starttls = tls;
    return o;
}

TEST(SmtpTransport, UrlAndCredentialChecks)
{
    EXPECT_TRUE(SmtpTransport::create(smtp("smtp://127.0.0.1:2525")));
    EXPECT_TRUE(SmtpTransport::create(smtp("smtps://mail.example:465")));
    EXPECT_FALSE(SmtpTransport::create(smtp("http://mail.example")));
    EXPECT_FALSE(SmtpTransport::create(smtp("smtp://user:pw@mail.example")));
    EXPECT_FALSE(SmtpTransport::create(smtp("not a url")));
    SmtpOptions clear = smtp("smtp://mail.example:587", StartTls::off);
    clear.username = "u";
    clear.password = "p";
    EXPECT_FALSE(SmtpTransport::create(clear)); // a password in clear over the network
    clear.url = "smtp://127.0.0.1:2525";
    EXPECT_TRUE(SmtpTransport::create(clear)); // loopback relay
    EXPECT_EQ(*parse_starttls("required"), StartTls::required);
    EXPECT_FALSE(parse_starttls("maybe"));
}

TEST(SmtpTransport, DownServerIsDeferred)
{
    // A port nobody listens on, on loopback.
    auto o = smtp("smtp://127.0.0.1:1", StartTls::off);
    o.connect_timeout = std::chrono::milliseconds(2000);
    auto t = SmtpTransport::create(o);
    ASSERT_TRUE(t);
    bool handed = false;
    auto r = (*t)->deliver({"r@r.example", {"a@b.example"}}, "x\r\n",
                           [&] { return handed = true; });
    EXPECT_EQ(r.status, DeliveryStatus::deferred);
    EXPECT_FALSE(handed);
}

TEST(PasswordFile, MustBePrivate)
{
    auto path = std::filesystem::temp_directory_path() /
                fmt::format("fightback-password-{}", ::getpid());
    std::ofstream(path) << "s3cret\nignored\n";
    ::chmod(path.c_str(), 0644);
    auto open = read_password_file(path);
    ASSERT_FALSE(open);
    EXPECT_NE(open.error().message.find("0600"), std::string::npos);
    ::chmod(path.c_str(), 0600);
    EXPECT_EQ(*read_password_file(path), "s3cret");
    ::chmod(path.c_str(), 0400);
    EXPECT_EQ(*read_password_file(path), "s3cret");
    std::filesystem::remove(path);
    EXPECT_FALSE(read_password_file(path));
}

} // namespace
} // namespace fightback::send
