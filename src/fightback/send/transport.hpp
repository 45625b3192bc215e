// How a composed report leaves: a transport hands one message to the next mail server (SMTP
// submission) or to the local MTA (a sendmail pipe), and says what became of it. The outbox
// is told the moment the whole message has been handed over and only the server's verdict is
// missing, so it can record that before the server can answer (see docs/reports.md).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fightback::send {

struct Envelope {
    std::string mail_from;               // validated; "" is the null reverse-path
    std::vector<std::string> recipients; // validated
};

enum class DeliveryStatus : std::uint8_t {
    sent,     // the server took responsibility (250, or sendmail exited 0)
    deferred, // temporary: 4xx, no connection, a timeout, a dropped connection; try again
    failed,   // permanent: 5xx, or a sendmail exit status that means it
};

std::string_view status_name(DeliveryStatus status);

struct DeliveryResult {
    DeliveryStatus status = DeliveryStatus::deferred;
    int code = 0;           // the server's last reply code, or sendmail's exit status
    std::string detail;     // for the ledger and `outbox list`, plain text
    bool handed = false;    // the end of the message was handed over
};

// Called once, just before the end of the message is handed over. Returning false aborts
// the delivery (nothing is handed; the result is deferred).
using HandedHook = std::function<bool()>;

class Transport {
public:
    virtual ~Transport() = default;
    // `message` has CRLF line ends.
    virtual DeliveryResult deliver(const Envelope& envelope, std::string_view message,
                                   const HandedHook& handed) = 0;
    // What the ledger records as the transport (the URL without credentials, or the program).
    virtual std::string describe() const = 0;
};

} // namespace fightback::send
