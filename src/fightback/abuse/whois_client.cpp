// WHOIS over TCP with poll()-bounded connect and read; the fd lives in a small RAII owner.
#include "fightback/abuse/whois_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "fightback/abuse/registry.hpp"
#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
public:
    explicit Socket(int fd) : m_fd(fd) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int fd() const { return m_fd; }

private:
    int m_fd;
};

struct AddrinfoDeleter {
    void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

int remaining_ms(Clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

bool is_loopback(const sockaddr* sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6)
        return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
    return false;
}

std::string_view strip_brackets(std::string_view host)
{
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        return host.substr(1, host.size() - 2);
    return host;
}

// Applies the --connect-to mappings (first match wins, as in curl).
WhoisServer mapped(const WhoisServer& server, const std::vector<std::string>& mappings)
{
    for (const auto& m : mappings) {
        // HOST:PORT:HOST2:PORT2 with IPv6 hosts in brackets.
        std::vector<std::string> parts;
        std::string cur;
        int depth = 0;
        for (char c : m) {
            if (c == '[')
                ++depth;
            if (c == ']')
                --depth;
            if (c == ':' && depth == 0) {
                parts.push_back(cur);
                cur.clear();
            } else {
                cur += c;
            }
        }
        parts.push_back(cur);
        if (parts.size() != 4)
            continue;
        if (!parts[0].empty() && !iequals(strip_brackets(parts[0]), server.host))
            continue;
        if (!parts[1].empty() && parts[1] != std::to_string(server.port))
            continue;
        WhoisServer out = server;
        if (!parts[2].empty())
            out.host = std::string(strip_brackets(parts[2]));
        if (!parts[3].empty())
            out.port = std::stoi(parts[3]);
        return out;
    }
    return server;
}

Expected<int> connect_bounded(const WhoisServer& target, bool loopback_only,
                              Clock::time_point deadline)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* raw = nullptr;
    const std::string port = std::to_string(target.port);
    int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &raw);
    if (rc != 0)
        return fail(ErrorKind::temporary, fmt::format("{}: {}", printable(target.host),
                                                      gai_strerror(rc)));
    std::unique_ptr<addrinfo, AddrinfoDeleter> list(raw);
    std::string last_error = "no address";
    for (addrinfo* a = list.get(); a; a = a->ai_next) {
        if (loopback_only && !is_loopback(a->ai_addr)) {
            last_error = "refusing a non-loopback address (loopback_only)";
            continue;
        }
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          a->ai_protocol);
        if (fd < 0) {
            last_error = std::strerror(errno);
            continue;
        }
        Socket s(fd);
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
            last_error = std::strerror(errno);
            continue;
        }
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) {
            last_error = "connect timed out";
            continue;
        }
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            last_error = std::strerror(err);
            continue;
        }
        return ::dup(fd); // `s` closes the original
    }
    return fail(ErrorKind::temporary,
                fmt::format("{}:{}: {}", printable(target.host), target.port, last_error));
}

} // namespace

std::string WhoisServer::to_string() const
{
    return port == 43 && !rwhois ? host : fmt::format("{}:{}", host, port);
}

std::optional<WhoisServer> parse_whois_server(std::string_view text)
{
    WhoisServer s;
    if (text.starts_with("whois://")) {
        text.remove_prefix(8);
    } else if (text.starts_with("rwhois://")) {
        text.remove_prefix(9);
        s.rwhois = true;
        s.port = 4321;
    } else if (text.find("://") != std::string_view::npos) {
        return std::nullopt;
    }
    while (!text.empty() && text.back() == '/')
        text.remove_suffix(1);
    std::string_view host = text;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        text = text.substr(close + 1);
        if (!text.empty() && text.front() != ':')
            return std::nullopt;
    } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        text = text.substr(colon);
    } else {
        text = {};
    }
    if (!text.empty()) {
        auto port_text = text.substr(1);
        int port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(),
                                         port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port <= 0 ||
            port > 65535)
            return std::nullopt;
        s.port = port;
    }
    if (host.empty() || host.size() > 253)
        return std::nullopt;
    for (char c : host)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':')
            return std::nullopt;
    s.host = std::string(host);
    for (char& c : s.host)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string whois_query(const WhoisServer& server, const net::IpAddress& ip,
                        const WhoisOptions& options)
{
    if (server.rwhois)
        return ip.to_string();
    if (registry_for_host(server.host) == RegistryId::arin)
        return "n " + ip.to_string();
    for (const auto& brief : options.brief_servers)
        if (iequals(brief, server.host))
            return "-b " + ip.to_string();
    return ip.to_string();
}

Expected<std::string> WhoisClient::ask(const WhoisServer& server, const std::string& query) const
{
    const auto deadline = Clock::now() + m_options.timeout;
    auto target = mapped(server, m_options.connect_to);
    auto fd = connect_bounded(target, m_options.loopback_only, deadline);
    if (!fd)
        return fail(fd.error().kind, fmt::format("whois {}: {}", server.to_string(),
                                                 fd.error().message));
    Socket s(*fd);
    const std::string line = query + "\r\n";
    std::size_t sent = 0;
    while (sent < line.size()) {
        pollfd p{s.fd(), POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0)
            return fail(ErrorKind::temporary, fmt::format("whois {}: send timed out",
                                                          server.to_string()));
        auto n = ::send(s.fd(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            return fail(ErrorKind::temporary,
                        fmt::format("whois {}: {}", server.to_string(), std::strerror(errno)));
        if (n > 0)
            sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buffer[8192];
    for (;;) {
        pollfd p{s.fd(), POLLIN, 0};
        int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready <= 0)
            return fail(ErrorKind::temporary, fmt::format("whois {}: timed out",
                                                          server.to_string()));
        auto n = ::recv(s.fd(), buffer, sizeof buffer, 0);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            return fail(ErrorKind::temporary,
                        fmt::format("whois {}: {}", server.to_string(), std::strerror(errno)));
        }
        if (answer.size() + static_cast<std::size_t>(n) > m_options.max_answer)
            return fail(ErrorKind::limit, fmt::format("whois {}: the answer is larger than {} bytes",
                                                      server.to_string(), m_options.max_answer));
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer;
}

Expected<WhoisLookup> WhoisClient::lookup(const net::IpAddress& ip,
                                          const std::optional<WhoisServer>& start) const
{
    std::optional<WhoisServer> server = start;
    if (!server)
        server = parse_whois_server(m_options.first_server);
    if (!server)
        return fail(ErrorKind::invalid, fmt::format("whois server '{}' is not HOST[:PORT]",
                                                    printable(m_options.first_server)));
    WhoisLookup result;
    std::optional<WhoisLookup> with_contacts;
    for (int hop = 0; hop <= m_options.max_referrals; ++hop) {
        const std::string where = server->to_string();
        if (std::find(result.chain.begin(), result.chain.end(), where) != result.chain.end()) {
            result.notes.push_back(fmt::format("referral loop back to {}", where));
            break;
        }
        result.chain.push_back(where);
        const std::string key = rate_limit_key(server->host);
        m_limiter.acquire(key);
        auto text = ask(*server, whois_query(*server, ip, m_options));
        if (!text) {
            if (with_contacts || hop > 0) { // keep what the earlier servers said
                result.notes.push_back(text.error().message);
                break;
            }
            return std::unexpected(text.error());
        }
        auto answer = read_whois(*text, ip);
        if (answer.throttled) {
            m_limiter.defer(key, RateLimiter::Clock::now() + m_options.throttle_backoff);
            return fail(ErrorKind::temporary, fmt::format("whois {} is throttling us: {}", where,
                                                          answer.throttle_text));
        }
        std::optional<WhoisServer> next;
        if (answer.refer) {
            next = parse_whois_server(*answer.refer);
            if (!next)
                result.notes.push_back(fmt::format("unreadable refer: '{}'",
                                                   printable(*answer.refer)));
        } else if (answer.referral) {
            next = parse_whois_server(*answer.referral);
            if (!next)
                result.notes.push_back(fmt::format("unreadable ReferralServer: '{}'",
                                                   printable(*answer.referral)));
            else if (next->rwhois && !m_options.rwhois) {
                result.notes.push_back(fmt::format("rwhois referral to {} not followed (rwhois "
                                                   "is off)", next->to_string()));
                next.reset();
            }
        }
        result.answer = std::move(answer);
        result.server = where;
        if (!result.answer.contacts.empty())
            with_contacts = result;
        if (!next || next->to_string() == where)
            break;
        server = next;
    }
    // The deepest answer with an abuse contact; else the deepest answer.
    if (with_contacts && result.answer.contacts.empty()) {
        auto notes = result.notes;
        auto chain = result.chain;
        result = std::move(*with_contacts);
        result.notes = std::move(notes);
        result.chain = std::move(chain);
        result.notes.push_back(fmt::format("the referral gave no abuse contact; using {}'s",
                                           result.server));
    }
    return result;
}

} // namespace fightback::abuse
