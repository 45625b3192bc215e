// clamd as the scanner: each scan is one connection (unix socket or TCP) carrying the message
// with zINSTREAM — chunks each led by a 4-byte length in network order, ended by a zero
// length — and a one-line reply ("stream: OK", "stream: NAME FOUND", "... ERROR").
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "fightback/scan/engine.hpp"

namespace fightback::scan {

// Where clamd listens: a unix socket path, or a numeric address and port (no DNS: the
// address comes from the config and must say exactly where the bytes go).
struct ClamdAddress {
    bool is_unix = true;
    std::string path;  // unix
    std::string host;  // tcp: numeric IPv4/IPv6
    std::uint16_t port = 0;

    static Expected<ClamdAddress> parse(std::string_view text);
    std::string to_string() const;
};

class ClamdEngine final : public Engine {
public:
    // Checks that clamd answers PING and learns its version; an unreachable daemon is
    // ErrorKind::temporary.
    static Expected<std::unique_ptr<ClamdEngine>> connect(const EngineSettings& settings);

    Expected<std::optional<Detection>> scan(std::string_view data,
                                            std::string_view label) const override;
    std::string description() const override;

    // One request/reply exchange ("zPING", "zVERSION"), for the checks above and tests.
    Expected<std::string> command(std::string_view name) const;

private:
    ClamdEngine() = default;

    ClamdAddress m_address;
    std::chrono::milliseconds m_timeout{60'000};
    std::string m_version;
};

// Reads a zINSTREAM reply: nullopt for "stream: OK", the detection for "... FOUND", an error
// for "... ERROR" (the size limit is ErrorKind::limit, the rest temporary) or anything else.
Expected<std::optional<Detection>> parse_clamd_reply(std::string_view reply);

} // namespace fightback::scan
