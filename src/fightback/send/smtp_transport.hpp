// SMTP submission with libcurl: smtp:// with STARTTLS required unless configured otherwise
// (CURLUSESSL_ALL), smtps:// (TLS from the start), AUTH when a user name is set, connect and
// total timeouts. The server's replies decide the outcome: 2xx sent, 4xx deferred, 5xx failed;
// anything that stops the dialogue before a reply (refused, timed out, dropped) is deferred.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "fightback/send/transport.hpp"
#include "fightback/util/error.hpp"

namespace fightback::send {

enum class StartTls : std::uint8_t {
    required,      // refuse to send in clear (the default)
    opportunistic, // use it when offered
    off,           // never (a local relay on loopback)
};

std::optional<StartTls> parse_starttls(std::string_view text);

struct SmtpOptions {
    std::string url;                        // smtp://host[:port] or smtps://host[:port]
    StartTls starttls = StartTls::required; // for smtp:// only
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::optional<std::filesystem::path> ca_file; // trust anchors for the server's certificate
    bool verify_peer = true;
    std::chrono::milliseconds connect_timeout{30'000};
    std::chrono::milliseconds timeout{120'000}; // the whole dialogue
};

// Reads a password file: it must be a regular file of mode 0600 or stricter (no group or
// other bits), owned by this user; the first line is the password.
Expected<std::string> read_password_file(const std::filesystem::path& path);

class SmtpTransport : public Transport {
public:
    // Checks the URL (scheme smtp or smtps, a host, no credentials in it).
    static Expected<std::unique_ptr<SmtpTransport>> create(SmtpOptions options);

    DeliveryResult deliver(const Envelope& envelope, std::string_view message,
                           const HandedHook& handed) override;
    std::string describe() const override { return m_options.url; }

private:
    explicit SmtpTransport(SmtpOptions options) : m_options(std::move(options)) {}
    SmtpOptions m_options;
};

} // namespace fightback::send
