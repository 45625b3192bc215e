// The DNS test world: Debian's unbound on 127.0.0.1 and a free port, serving the zone files in
// tests/data/dns/ and refusing everything else. It runs in the foreground as a child of the
// test binary (killed if the binary dies), from its own config in a temporary directory, and
// is stopped when the world is destroyed. It can send nothing anywhere: its only upstream is a
// loopback root it is told never to query.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "fightback/dns/server_address.hpp"

namespace fightback::test_dns {

class UnboundWorld {
public:
    // Throws std::runtime_error (with unbound's log) when unbound is missing or does not start.
    static std::unique_ptr<UnboundWorld> start(const std::filesystem::path& zone_dir);
    ~UnboundWorld();
    UnboundWorld(const UnboundWorld&) = delete;
    UnboundWorld& operator=(const UnboundWorld&) = delete;

    std::uint16_t port() const { return m_port; }
    dns::ServerAddress server() const;
    std::string server_text() const; // "127.0.0.1:PORT", for --dns-server

private:
    UnboundWorld() = default;
    void stop();

    pid_t m_pid = -1;
    std::uint16_t m_port = 0;
    std::filesystem::path m_dir;
};

// The world the integration tests share (set up once by their main).
UnboundWorld* world();
void set_world(UnboundWorld* world);

} // namespace fightback::test_dns
