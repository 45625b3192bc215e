// The clamd client: poll()-bounded connect, send and receive on a socket per request.
#include "fightback/scan/clamd_engine.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "fightback/net/ip_address.hpp"
#include "fightback/util/fd.hpp"
#include "fightback/util/text.hpp"

namespace fightback::scan {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t chunk_size = 64 * 1024;
constexpr std::size_t max_reply = 4096;

int remaining_ms(Clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

Error unavailable(const ClamdAddress& address, std::string_view what)
{
    return Error{ErrorKind::temporary, fmt::format("clamd at {}: {}", address.to_string(), what)};
}

Expected<void> wait_for(int fd, short events, Clock::time_point deadline,
                        const ClamdAddress& address)
{
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0)
            return {};
        if (n == 0)
            return std::unexpected(unavailable(address, "timed out"));
        if (errno != EINTR)
            return std::unexpected(unavailable(address, std::strerror(errno)));
    }
}

Expected<UniqueFd> open_connection(const ClamdAddress& address, Clock::time_point deadline)
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNIX;
    if (address.is_unix) {
        auto* un = reinterpret_cast<sockaddr_un*>(&storage);
        un->sun_family = AF_UNIX;
        if (address.path.size() >= sizeof un->sun_path)
            return fail(ErrorKind::invalid, fmt::format("socket path too long: {}", address.path));
        std::memcpy(un->sun_path, address.path.c_str(), address.path.size() + 1);
        length = sizeof(sockaddr_un);
    } else {
        auto ip = net::IpAddress::parse(address.host);
        if (!ip)
            return fail(ErrorKind::invalid, fmt::format("not an address: {}", address.host));
        if (ip->is_v4()) {
            auto* in = reinterpret_cast<sockaddr_in*>(&storage);
            in->sin_family = family = AF_INET;
            in->sin_port = htons(address.port);
            in->sin_addr.s_addr = htonl(ip->v4_value());
            length = sizeof(sockaddr_in);
        } else {
            auto* in6 = reinterpret_cast<sockaddr_in6*>(&storage);
            in6->sin6_family = family = AF_INET6;
            in6->sin6_port = htons(address.port);
            std::memcpy(&in6->sin6_addr, ip->bytes().data(), 16);
            length = sizeof(sockaddr_in6);
        }
    }
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd)
        return std::unexpected(unavailable(address, std::strerror(errno)));
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN)
            return std::unexpected(unavailable(address, std::strerror(errno)));
        if (auto ready = wait_for(fd.get(), POLLOUT, deadline, address); !ready)
            return std::unexpected(ready.error());
        int error = 0;
        socklen_t len = sizeof error;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0)
            return std::unexpected(unavailable(address, std::strerror(error)));
    }
    return fd;
}

// Sends all of `data`; a peer that closed early (it refused the stream) is reported as
// `closed` so the caller can still read why.
Expected<void> send_all(int fd, std::string_view data, Clock::time_point deadline,
                        const ClamdAddress& address, bool& closed)
{
    while (!data.empty() && !closed) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n >= 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EPIPE || errno == ECONNRESET) {
            closed = true;
            break;
        }
        if (errno != EAGAIN)
            return std::unexpected(unavailable(address, std::strerror(errno)));
        if (auto ready = wait_for(fd, POLLOUT, deadline, address); !ready)
            return ready;
    }
    return {};
}

Expected<std::string> read_reply(int fd, Clock::time_point deadline, const ClamdAddress& address)
{
    std::string reply;
    char buffer[1024];
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            reply.append(buffer, static_cast<std::size_t>(n));
            if (auto end = reply.find('\0'); end != std::string::npos) {
                reply.resize(end);
                break;
            }
            if (reply.size() > max_reply)
                return std::unexpected(unavailable(address, "reply too long"));
            continue;
        }
        if (n == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET && !reply.empty())
            break;
        if (errno != EAGAIN)
            return std::unexpected(unavailable(address, std::strerror(errno)));
        if (auto ready = wait_for(fd, POLLIN, deadline, address); !ready)
            return std::unexpected(ready.error());
    }
    while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r'))
        reply.pop_back();
    if (reply.empty())
        return std::unexpected(unavailable(address, "closed the connection without a reply"));
    return reply;
}

} // namespace

Expected<ClamdAddress> ClamdAddress::parse(std::string_view text)
{
    ClamdAddress address;
    if (text.starts_with("unix:"))
        text.remove_prefix(5);
    else if (text.starts_with("tcp:"))
        text.remove_prefix(4), address.is_unix = false;
    if (text.empty())
        return fail(ErrorKind::invalid, "empty clamd address");
    if (address.is_unix && text.front() == '/') {
        address.path = std::string(text);
        return address;
    }
    address.is_unix = false;
    std::string_view host, port;
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return fail(ErrorKind::invalid, fmt::format("clamd address {}: expected [IPv6]:PORT", text));
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fail(ErrorKind::invalid,
                        fmt::format("clamd address {}: expected a socket path or HOST:PORT", text));
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (iequals(host, "localhost"))
        host = "127.0.0.1";
    if (!net::IpAddress::parse(host))
        return fail(ErrorKind::invalid,
                    fmt::format("clamd address {}: the host must be a numeric address", text));
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535)
        return fail(ErrorKind::invalid, fmt::format("clamd address {}: bad port", text));
    address.host = std::string(host);
    address.port = static_cast<std::uint16_t>(value);
    return address;
}

std::string ClamdAddress::to_string() const
{
    if (is_unix)
        return path;
    return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                               : fmt::format("{}:{}", host, port);
}

Expected<std::optional<Detection>> parse_clamd_reply(std::string_view reply)
{
    // "stream: OK", "stream: Eicar-Signature FOUND"; a reply may be led by a request id
    // ("1: stream: OK") when sessions are used.
    auto body = reply;
    if (auto pos = body.find("stream: "); pos != std::string_view::npos)
        body = body.substr(pos + 8);
    if (body == "OK")
        return std::optional<Detection>{};
    if (body.ends_with(" FOUND") && body.size() > 6) {
        auto name = body.substr(0, body.size() - 6);
        return std::optional<Detection>{detection_from_name(name)};
    }
    if (reply.ends_with("ERROR")) {
        if (reply.find("size limit exceeded") != std::string_view::npos)
            return fail(ErrorKind::limit, fmt::format("clamd: {}", printable(reply)));
        return fail(ErrorKind::temporary, fmt::format("clamd: {}", printable(reply)));
    }
    return fail(ErrorKind::temporary, fmt::format("clamd: unexpected reply '{:.200}'", printable(reply)));
}

Expected<std::unique_ptr<ClamdEngine>> ClamdEngine::connect(const EngineSettings& settings)
{
    auto address = ClamdAddress::parse(settings.clamd_address);
    if (!address)
        return std::unexpected(address.error());
    std::unique_ptr<ClamdEngine> self(new ClamdEngine);
    self->m_address = *address;
    self->m_timeout = settings.clamd_timeout;
    auto pong = self->command("PING");
    if (!pong)
        return std::unexpected(pong.error());
    if (*pong != "PONG")
        return std::unexpected(unavailable(self->m_address, fmt::format("PING answered '{:.80}'", printable(*pong))));
    if (auto version = self->command("VERSION"))
        self->m_version = printable(*version);
    return self;
}

Expected<std::string> ClamdEngine::command(std::string_view name) const
{
    const auto deadline = Clock::now() + m_timeout;
    auto fd = open_connection(m_address, deadline);
    if (!fd)
        return std::unexpected(fd.error());
    bool closed = false;
    const std::string request = fmt::format("z{}", name) + '\0';
    if (auto sent = send_all(fd->get(), request, deadline, m_address, closed); !sent)
        return std::unexpected(sent.error());
    return read_reply(fd->get(), deadline, m_address);
}

Expected<std::optional<Detection>> ClamdEngine::scan(std::string_view data, std::string_view) const
{
    const auto deadline = Clock::now() + m_timeout;
    auto fd = open_connection(m_address, deadline);
    if (!fd)
        return std::unexpected(fd.error());
    bool closed = false;
    using namespace std::string_view_literals;
    if (auto sent = send_all(fd->get(), "zINSTREAM\0"sv, deadline, m_address, closed); !sent)
        return std::unexpected(sent.error());
    for (;;) {
        const std::size_t n = std::min(chunk_size, data.size());
        const std::uint32_t length = htonl(static_cast<std::uint32_t>(n));
        char header[4];
        std::memcpy(header, &length, 4);
        if (auto sent = send_all(fd->get(), {header, 4}, deadline, m_address, closed); !sent)
            return std::unexpected(sent.error());
        if (n == 0 || closed)
            break;
        if (auto sent = send_all(fd->get(), data.substr(0, n), deadline, m_address, closed); !sent)
            return std::unexpected(sent.error());
        data.remove_prefix(n);
    }
    auto reply = read_reply(fd->get(), deadline, m_address);
    if (!reply)
        return std::unexpected(reply.error());
    return parse_clamd_reply(*reply);
}

std::string ClamdEngine::description() const
{
    return m_version.empty() ? fmt::format("clamd at {}", m_address.to_string())
                             : fmt::format("clamd at {} ({})", m_address.to_string(), m_version);
}

} // namespace fightback::scan
