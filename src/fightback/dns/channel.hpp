// The one place a c-ares channel is made and owned. With servers given, c-ares is configured so
// it reads nothing from /etc/resolv.conf and has no default to fall back on: the servers set are
// read back and compared, and a channel that would talk to anything else is never returned.
#pragma once

#include <ares.h>

#include <chrono>
#include <memory>
#include <vector>

#include "fightback/dns/server_address.hpp"
#include "fightback/util/error.hpp"

namespace fightback::dns {

struct ChannelDeleter {
    void operator()(ares_channel channel) const { ares_destroy(channel); }
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ares_channel>, ChannelDeleter>;

using SocketStateCallback = void (*)(void* data, ares_socket_t socket, int readable,
                                     int writable);

struct ChannelSettings {
    std::vector<ServerAddress> servers; // empty: the system's resolver configuration
    std::chrono::milliseconds timeout{2000};
    int tries = 2;
    int receive_buffer = 0; // socket receive buffer in octets; 0 leaves the system default
    SocketStateCallback on_socket_state = nullptr;
    void* callback_data = nullptr;
};

Expected<ChannelPtr> make_channel(const ChannelSettings& settings);

// The servers a channel will use, as c-ares reports them.
Expected<std::vector<ServerAddress>> channel_servers(ares_channel channel);

} // namespace fightback::dns
