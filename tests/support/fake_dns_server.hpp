// Test helper: DNS servers on 127.0.0.1 that the tests control. FakeDnsServer answers each UDP
// query with whatever its handler builds (crafted, malformed, or nothing), optionally after a
// fixed delay (the benchmark's slow server); SilentServer binds a port and never reads it, so
// every query to it times out. Both pick a free port and stop when destroyed.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "dns_packet.hpp"

namespace fightback::test_dns {

class FakeDnsServer {
public:
    // Returns the bytes to send back, or nothing to stay silent for this query.
    using Handler = std::function<std::optional<Bytes>(const ParsedQuery& query)>;

    explicit FakeDnsServer(Handler handler,
                           std::chrono::milliseconds delay = std::chrono::milliseconds(0));
    ~FakeDnsServer();
    FakeDnsServer(const FakeDnsServer&) = delete;
    FakeDnsServer& operator=(const FakeDnsServer&) = delete;

    std::uint16_t port() const { return m_port; }
    std::size_t queries() const { return m_queries.load(); }
    // The highest number of queries received but not yet answered at one time.
    std::size_t max_outstanding() const { return m_max_outstanding.load(); }

private:
    struct Reply {
        std::chrono::steady_clock::time_point due;
        Bytes bytes;
        std::array<std::uint8_t, 32> peer{}; // sockaddr storage (IPv4 or IPv6)
        unsigned peer_length = 0;
    };

    void receive_loop();
    void send_loop();
    void send(const Reply& reply);

    Handler m_handler;
    std::chrono::milliseconds m_delay;
    int m_socket = -1;
    std::uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<std::size_t> m_queries{0};
    std::atomic<std::size_t> m_max_outstanding{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Reply> m_replies; // due times rise: the delay is the same for all
    std::thread m_receiver;
    std::thread m_sender;
};

class SilentServer {
public:
    SilentServer();
    ~SilentServer();
    SilentServer(const SilentServer&) = delete;
    SilentServer& operator=(const SilentServer&) = delete;

    std::uint16_t port() const { return m_port; }

private:
    int m_udp = -1;
    int m_tcp = -1;
    std::uint16_t m_port = 0;
};

// A port that was free a moment ago on 127.0.0.1 for both UDP and TCP.
std::uint16_t free_port();

} // namespace fightback::test_dns
