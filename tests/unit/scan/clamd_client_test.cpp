// The clamd client against a scripted server on a unix socket: zINSTREAM framing (lengths in
// network order, a zero-length end), replies, PING at connect, silence and hang-ups; and the
// address and reply parsers, table-driven.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "fightback/scan/clamd_engine.hpp"
#include "support/temp_dir.hpp"

using namespace fightback;
using namespace fightback::scan;

namespace {

// Accepts connections one after another and hands each to `handle` with what it read of
// the request: the command, and for INSTREAM the reassembled stream and its chunk count.
class ScriptedClamd {
public:
    struct Request {
        std::string command;
        std::string stream;
        int chunks = 0;
        bool terminated = false;
    };
    using Handler = std::function<void(int fd, const Request&)>;

    ScriptedClamd(const std::filesystem::path& path, Handler handle) : m_path(path)
    {
        m_listen = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(m_listen, 8) != 0)
            throw std::runtime_error("cannot listen");
        m_thread = std::jthread([this, handle](std::stop_token stop) {
            while (!stop.stop_requested()) {
                const int fd = ::accept(m_listen, nullptr, nullptr);
                if (fd < 0)
                    return;
                Request r = read_request(fd);
                if (!stop.stop_requested())
                    handle(fd, r);
                ::close(fd);
                ++m_connections;
            }
        });
    }
    ~ScriptedClamd()
    {
        m_thread.request_stop();
        ::shutdown(m_listen, SHUT_RDWR);
        ::close(m_listen);
    }
    int connections() const { return m_connections; }
    Request last;

private:
    static bool read_exact(int fd, char* out, std::size_t n)
    {
        while (n > 0) {
            ssize_t got = ::read(fd, out, n);
            if (got <= 0)
                return false;
            out += got;
            n -= static_cast<std::size_t>(got);
        }
        return true;
    }
    Request read_request(int fd)
    {
        Request r;
        char c;
        while (read_exact(fd, &c, 1) && c != '\0')
            r.command += c;
        if (r.command == "zINSTREAM") {
            for (;;) {
                std::uint32_t len = 0;
                if (!read_exact(fd, reinterpret_cast<char*>(&len), 4))
                    break;
                len = ntohl(len);
                if (len == 0) {
                    r.terminated = true;
                    break;
                }
                std::string chunk(len, '\0');
                if (!read_exact(fd, chunk.data(), len))
                    break;
                r.stream += chunk;
                ++r.chunks;
            }
        }
        last = r;
        return r;
    }

    std::filesystem::path m_path;
    int m_listen = -1;
    std::atomic<int> m_connections{0};
    std::jthread m_thread;
};

void reply(int fd, std::string_view text)
{
    std::string out(text);
    out += '\0';
    (void)::write(fd, out.data(), out.size());
}

// Answers PING/VERSION, and INSTREAM with FOUND when the stream holds "VIRUS".
void well_behaved(int fd, const ScriptedClamd::Request& r)
{
    if (r.command == "zPING")
        reply(fd, "PONG");
    else if (r.command == "zVERSION")
        reply(fd, "ClamAV 1.4.6/27000/Mon Jan  1 00:00:00 2024");
    else if (r.command == "zINSTREAM")
        reply(fd, r.stream.find("VIRUS") != std::string::npos ? "stream: Test.Virus.UNOFFICIAL FOUND"
                                                               : "stream: OK");
}

EngineSettings settings_for(const std::filesystem::path& socket)
{
    EngineSettings s;
    s.kind = EngineKind::clamd;
    s.clamd_address = socket.string();
    s.clamd_timeout = std::chrono::milliseconds(2000);
    return s;
}

TEST(ClamdClient, StreamsInChunksAndReadsTheVerdict)
{
    test_support::TempDir dir;
    ScriptedClamd server(dir / "clamd.sock", well_behaved);
    auto engine = ClamdEngine::connect(settings_for(dir / "clamd.sock"));
    ASSERT_TRUE(engine) << engine.error().message;
    EXPECT_NE((*engine)->description().find("ClamAV 1.4.6"), std::string::npos);

    std::string big(200 * 1024 + 17, 'a');
    big.replace(150000, 5, "VIRUS");
    auto found = (*engine)->scan(big, "big");
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->name, "Test.Virus");
    EXPECT_TRUE((*found)->unofficial);
    EXPECT_EQ(server.last.stream, big);
    EXPECT_EQ(server.last.chunks, 4); // 64 KiB chunks
    EXPECT_TRUE(server.last.terminated);

    auto clean = (*engine)->scan("hello", "small");
    ASSERT_TRUE(clean);
    EXPECT_FALSE(*clean);
    auto empty = (*engine)->scan("", "empty");
    ASSERT_TRUE(empty);
    EXPECT_FALSE(*empty);
    EXPECT_EQ(server.last.chunks, 0);
    EXPECT_TRUE(server.last.terminated);
}

TEST(ClamdClient, NobodyListeningIsTemporary)
{
    test_support::TempDir dir;
    auto engine = ClamdEngine::connect(settings_for(dir / "absent.sock"));
    ASSERT_FALSE(engine);
    EXPECT_EQ(engine.error().kind, ErrorKind::temporary);
    auto tcp = settings_for({});
    tcp.clamd_address = "127.0.0.1:1"; // nothing listens on port 1
    auto refused = ClamdEngine::connect(tcp);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::temporary);
}

TEST(ClamdClient, HangUpsErrorsAndSilence)
{
    test_support::TempDir dir;
    std::atomic<int> mode{0};
    ScriptedClamd server(dir / "clamd.sock", [&](int fd, const ScriptedClamd::Request& r) {
        if (r.command != "zINSTREAM") {
            well_behaved(fd, r);
            return;
        }
        if (mode == 1)
            reply(fd, "INSTREAM size limit exceeded. ERROR");
        else if (mode == 2)
            reply(fd, "stream: Can't allocate memory ERROR");
        else if (mode == 3)
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        // mode 0: hang up without a word
    });
    auto s = settings_for(dir / "clamd.sock");
    s.clamd_timeout = std::chrono::milliseconds(700);
    auto engine = ClamdEngine::connect(s);
    ASSERT_TRUE(engine) << engine.error().message;
    auto r0 = (*engine)->scan("data", "x");
    ASSERT_FALSE(r0);
    EXPECT_EQ(r0.error().kind, ErrorKind::temporary);
    mode = 1;
    auto r1 = (*engine)->scan("data", "x");
    ASSERT_FALSE(r1);
    EXPECT_EQ(r1.error().kind, ErrorKind::limit);
    mode = 2;
    auto r2 = (*engine)->scan("data", "x");
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().kind, ErrorKind::temporary);
    mode = 3;
    auto r3 = (*engine)->scan("data", "x");
    ASSERT_FALSE(r3);
    EXPECT_EQ(r3.error().kind, ErrorKind::temporary);
    EXPECT_NE(r3.error().message.find("timed out"), std::string::npos) << r3.error().message;
}

struct AddressCase {
    const char* text;
    bool ok;
    bool is_unix;
    const char* shown;
};

class ClamdAddressParse : public testing::TestWithParam<AddressCase> {};

TEST_P(ClamdAddressParse, Table)
{
    const auto& c = GetParam();
    auto a = ClamdAddress::parse(c.text);
    ASSERT_EQ(a.has_value(), c.ok) << c.text;
    if (!a)
        return;
    EXPECT_EQ(a->is_unix, c.is_unix) << c.text;
    EXPECT_EQ(a->to_string(), c.shown) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Addresses, ClamdAddressParse,
    testing::Values(AddressCase{"/run/clamav/clamd.ctl", true, true, "/run/clamav/clamd.ctl"},
                    AddressCase{"unix:/tmp/c.sock", true, true, "/tmp/c.sock"},
                    AddressCase{"127.0.0.1:3310", true, false, "127.0.0.1:3310"},
                    AddressCase{"tcp:127.0.0.1:3310", true, false, "127.0.0.1:3310"},
                    AddressCase{"localhost:3310", true, false, "127.0.0.1:3310"},
                    AddressCase{"[::1]:3310", true, false, "[::1]:3310"},
                    AddressCase{"clamd.example.org:3310", false, false, ""},
                    AddressCase{"127.0.0.1", false, false, ""},
                    AddressCase{"127.0.0.1:0", false, false, ""},
                    AddressCase{"127.0.0.1:70000", false, false, ""},
                    AddressCase{"[::1]3310", false, false, ""},
                    AddressCase{"", false, false, ""}, AddressCase{"unix:", false, false, ""}));

TEST(ClamdReply, Table)
{
    auto ok = parse_clamd_reply("stream: OK");
    ASSERT_TRUE(ok);
    EXPECT_FALSE(*ok);
    auto found = parse_clamd_reply("stream: Win.Test.EICAR_HDB-1 FOUND");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->name, "Win.Test.EICAR_HDB-1");
    EXPECT_FALSE((*found)->unofficial);
    auto session = parse_clamd_reply("3: stream: Eicar.UNOFFICIAL FOUND");
    ASSERT_TRUE(session && *session);
    EXPECT_EQ((*session)->name, "Eicar");
    auto limit = parse_clamd_reply("INSTREAM size limit exceeded. ERROR");
    ASSERT_FALSE(limit);
    EXPECT_EQ(limit.error().kind, ErrorKind::limit);
    auto garbage = parse_clamd_reply("\x1b[2Jhello");
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.error().message.find('\x1b'), std::string::npos);
    EXPECT_FALSE(parse_clamd_reply("stream:  FOUND")) << "a match without a name";
}

} // namespace
