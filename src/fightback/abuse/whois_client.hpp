// Port-43 WHOIS for an address, used when RDAP gave no abuse mailbox: start at IANA (or the
// server RDAP named), follow IANA's `refer:` and ARIN's `ReferralServer:` (whois:// with or
// without a port; rwhois:// only when enabled), ask each server in its own dialect (ARIN
// `n <ip>`, RIPE-style `-b <ip>`), bound every answer, and back off a server that throttles.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "fightback/abuse/rate_limiter.hpp"
#include "fightback/abuse/whois_answer.hpp"
#include "fightback/util/error.hpp"

namespace fightback::abuse {

struct WhoisOptions {
    std::string first_server = "whois.iana.org"; // HOST[:PORT]
    std::vector<std::string> connect_to;         // as curl's --connect-to
    std::chrono::milliseconds timeout{15000};
    std::size_t max_answer = 512u * 1024;
    bool rwhois = false;
    std::vector<std::string> brief_servers{"whois.ripe.net", "whois.apnic.net",
                                           "whois.afrinic.net"};
    int max_referrals = 4;
    bool loopback_only = false;
    std::chrono::seconds throttle_backoff{60};
};

struct WhoisServer {
    std::string host;
    int port = 43;
    bool rwhois = false;
    std::string to_string() const;
};

// "host", "host:port", "whois://host[:port]", "rwhois://host:port"; nothing when unreadable.
std::optional<WhoisServer> parse_whois_server(std::string_view text);

// The query line a server expects for an address (without CR LF).
std::string whois_query(const WhoisServer& server, const net::IpAddress& ip,
                        const WhoisOptions& options);

struct WhoisLookup {
    WhoisAnswer answer;        // the answer the contacts come from
    std::string server;        // who gave it
    std::vector<std::string> chain; // every server asked, in order
    std::vector<std::string> notes;
};

class WhoisClient {
public:
    WhoisClient(RateLimiter& limiter, WhoisOptions options)
        : m_limiter(limiter), m_options(std::move(options))
    {
    }

    // `start`: a server to ask first instead of the configured one (e.g. RDAP's port43).
    Expected<WhoisLookup> lookup(const net::IpAddress& ip,
                                 const std::optional<WhoisServer>& start = std::nullopt) const;

    // One raw exchange (exposed for tests): connect, send `query` CR LF, read to EOF.
    Expected<std::string> ask(const WhoisServer& server, const std::string& query) const;

private:
    RateLimiter& m_limiter;
    WhoisOptions m_options;
};

} // namespace fightback::abuse
