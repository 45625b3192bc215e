// The test servers: plain POSIX sockets on 127.0.0.1 and two threads (one reads and builds the
// replies, one sends them when due), so a reply delayed by 50 ms does not hold up the next read.
#include "fake_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace fightback::test_dns {
namespace {

sockaddr_in loopback(std::uint16_t port)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int bound_socket(int type, std::uint16_t port)
{
    int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in addr = loopback(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::uint16_t port_of(int fd)
{
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return ntohs(addr.sin_port);
}

} // namespace

std::uint16_t free_port()
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        int udp = bound_socket(SOCK_DGRAM, 0);
        if (udp < 0)
            continue;
        const std::uint16_t port = port_of(udp);
        int tcp = bound_socket(SOCK_STREAM, port);
        ::close(udp);
        if (tcp >= 0) {
            ::close(tcp);
            return port;
        }
    }
    throw std::runtime_error("no free port on 127.0.0.1");
}

FakeDnsServer::FakeDnsServer(Handler handler, std::chrono::milliseconds delay)
    : m_handler(std::move(handler)), m_delay(delay)
{
    m_socket = bound_socket(SOCK_DGRAM, 0);
    if (m_socket < 0)
        throw std::runtime_error("cannot bind a UDP socket on 127.0.0.1");
    // Hundreds of queries can arrive at once; as root the buffer may exceed rmem_max.
    int size = 4 << 20;
    if (::setsockopt(m_socket, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        ::setsockopt(m_socket, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    m_port = port_of(m_socket);
    m_receiver = std::thread([this] { receive_loop(); });
    m_sender = std::thread([this] { send_loop(); });
}

FakeDnsServer::~FakeDnsServer()
{
    m_stop = true;
    m_wake.notify_all();
    m_receiver.join();
    m_sender.join();
    ::close(m_socket);
}

void FakeDnsServer::receive_loop()
{
    std::array<std::uint8_t, 4096> buffer{};
    while (!m_stop) {
        pollfd p{m_socket, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0)
            continue;
        Reply reply;
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        const auto n = ::recvfrom(m_socket, buffer.data(), buffer.size(), 0,
                                  reinterpret_cast<sockaddr*>(&peer), &peer_length);
        if (n <= 0)
            continue;
        ++m_queries;
        auto query = parse_query(std::span<const std::uint8_t>(buffer.data(),
                                                               static_cast<std::size_t>(n)));
        if (!query)
            continue;
        auto bytes = m_handler(*query);
        if (!bytes)
            continue;
        reply.bytes = std::move(*bytes);
        std::memcpy(reply.peer.data(), &peer, std::min<std::size_t>(peer_length, 32));
        reply.peer_length = std::min<unsigned>(peer_length, 32);
        if (m_delay.count() == 0) {
            send(reply);
            continue;
        }
        reply.due = std::chrono::steady_clock::now() + m_delay;
        {
            std::lock_guard lock(m_mutex);
            m_replies.push_back(std::move(reply));
            if (m_replies.size() > m_max_outstanding)
                m_max_outstanding = m_replies.size();
        }
        m_wake.notify_one();
    }
}

void FakeDnsServer::send_loop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        if (m_replies.empty()) {
            m_wake.wait_for(lock, std::chrono::milliseconds(50));
            continue;
        }
        const auto due = m_replies.front().due;
        if (std::chrono::steady_clock::now() < due) {
            m_wake.wait_until(lock, due);
            continue;
        }
        Reply reply = std::move(m_replies.front());
        m_replies.pop_front();
        lock.unlock();
        send(reply);
        lock.lock();
    }
}

void FakeDnsServer::send(const Reply& reply)
{
    ::sendto(m_socket, reply.bytes.data(), reply.bytes.size(), 0,
             reinterpret_cast<const sockaddr*>(reply.peer.data()), reply.peer_length);
}

SilentServer::SilentServer()
{
    for (int attempt = 0; attempt < 50 && m_tcp < 0; ++attempt) {
        if (m_udp >= 0)
            ::close(m_udp);
        m_udp = bound_socket(SOCK_DGRAM, 0);
        if (m_udp < 0)
            continue;
        m_port = port_of(m_udp);
        m_tcp = bound_socket(SOCK_STREAM, m_port);
    }
    if (m_tcp < 0)
        throw std::runtime_error("cannot bind a silent server on 127.0.0.1");
    // Listening but never accepting: a TCP retry hangs as well.
    ::listen(m_tcp, 1);
}

SilentServer::~SilentServer()
{
    ::close(m_udp);
    ::close(m_tcp);
}

} // namespace fightback::test_dns
