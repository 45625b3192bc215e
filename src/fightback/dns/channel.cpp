// c-ares setup. c-ares fills every option the caller leaves unset from the environment,
// /etc/resolv.conf and built-in defaults (127.0.0.1:53 when it finds no server). Setting the
// server list (empty), search domains, ndots, lookups and sortlist marks all of them as given,
// so with explicit servers none of those sources is consulted.
#include "fightback/dns/channel.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace fightback::dns {
namespace {

Expected<void> init_library()
{
    static int status = [] { return ares_library_init(ARES_LIB_INIT_ALL); }();
    if (status != ARES_SUCCESS)
        return fail(ErrorKind::io, fmt::format("c-ares: {}", ares_strerror(status)));
    return {};
}

struct ServerListDeleter {
    void operator()(ares_addr_port_node* list) const { ares_free_data(list); }
};

} // namespace

Expected<std::vector<ServerAddress>> channel_servers(ares_channel channel)
{
    ares_addr_port_node* raw = nullptr;
    if (int status = ares_get_servers_ports(channel, &raw); status != ARES_SUCCESS)
        return fail(ErrorKind::io, fmt::format("c-ares: {}", ares_strerror(status)));
    std::unique_ptr<ares_addr_port_node, ServerListDeleter> list(raw);
    std::vector<ServerAddress> out;
    for (const auto* node = list.get(); node; node = node->next) {
        ServerAddress server{};
        if (node->family == AF_INET) {
            server.address = net::IpAddress::v4(ntohl(node->addr.addr4.s_addr));
        } else if (node->family == AF_INET6) {
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(), &node->addr.addr6, 16);
            server.address = net::IpAddress::v6(bytes);
        } else {
            return fail(ErrorKind::invalid, "c-ares reports a server of an unknown family");
        }
        const int port = node->udp_port ? node->udp_port : 53;
        server.port = static_cast<std::uint16_t>(port);
        out.push_back(server);
    }
    return out;
}

Expected<ChannelPtr> make_channel(const ChannelSettings& settings)
{
    if (auto ok = init_library(); !ok)
        return std::unexpected(ok.error());
    if (settings.tries < 1 || settings.timeout.count() < 1)
        return fail(ErrorKind::invalid, "DNS timeout and tries must be positive");

    ares_options options{};
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
    // Names are asked as given: no search list, no HOSTALIASES. NOCHECKRESP hands SERVFAIL and
    // REFUSED answers to us as they are; without it c-ares 1.18 moves on to the next server and,
    // with none left, reports them as "connection refused".
    options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
    options.timeout = static_cast<int>(settings.timeout.count());
    options.tries = settings.tries;
    if (settings.on_socket_state) {
        mask |= ARES_OPT_SOCK_STATE_CB;
        options.sock_state_cb = settings.on_socket_state;
        options.sock_state_cb_data = settings.callback_data;
    }
    if (settings.receive_buffer > 0) {
        mask |= ARES_OPT_SOCK_RCVBUF;
        options.socket_receive_buffer_size = settings.receive_buffer;
    }
    char lookups[] = "b";
    const bool explicit_servers = !settings.servers.empty();
    if (explicit_servers) {
        mask |= ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_NDOTS | ARES_OPT_LOOKUPS |
                ARES_OPT_SORTLIST;
        options.servers = nullptr;
        options.nservers = 0;
        options.domains = nullptr;
        options.ndomains = 0;
        options.ndots = 1;
        options.lookups = lookups;
        options.sortlist = nullptr;
        options.nsort = 0;
    }

    ares_channel raw = nullptr;
    if (int status = ares_init_options(&raw, &options, mask); status != ARES_SUCCESS)
        return fail(ErrorKind::io, fmt::format("c-ares: {}", ares_strerror(status)));
    ChannelPtr channel(raw);

    if (explicit_servers) {
        const std::string csv = servers_csv(settings.servers);
        if (int status = ares_set_servers_ports_csv(channel.get(), csv.c_str());
            status != ARES_SUCCESS)
            return fail(ErrorKind::invalid,
                        fmt::format("c-ares refused the DNS servers {}: {}", csv,
                                    ares_strerror(status)));
        auto in_use = channel_servers(channel.get());
        if (!in_use)
            return std::unexpected(in_use.error());
        if (*in_use != settings.servers)
            return fail(ErrorKind::invalid,
                        fmt::format("c-ares did not take exactly the DNS servers {}", csv));
    }
    return channel;
}

} // namespace fightback::dns
