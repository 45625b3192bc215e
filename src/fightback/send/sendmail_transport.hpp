// Handing reports to the local MTA through its sendmail program: fork and exec (no shell),
// `-i -f SENDER -- RECIPIENT...`, the message on standard input with LF line ends. The exit
// status decides (sysexits): 0 sent; EX_USAGE, EX_DATAERR, EX_NOUSER, EX_NOHOST failed;
// anything else (EX_TEMPFAIL above all, a signal, a timeout) deferred.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "fightback/send/transport.hpp"

namespace fightback::send {

struct SendmailOptions {
    std::filesystem::path program = "/usr/sbin/sendmail";
    std::chrono::milliseconds timeout{120'000};
};

class SendmailTransport : public Transport {
public:
    explicit SendmailTransport(SendmailOptions options) : m_options(std::move(options)) {}

    DeliveryResult deliver(const Envelope& envelope, std::string_view message,
                           const HandedHook& handed) override;
    std::string describe() const override { return m_options.program.string(); }

private:
    SendmailOptions m_options;
};

} // namespace fightback::send
