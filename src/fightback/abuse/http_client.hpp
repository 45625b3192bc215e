// HTTP GET for RDAP over libcurl, one request at a time per call: http/https only, redirects
// NOT followed (the caller follows them, to rate-limit and record each registry), a bounded
// body, a timeout, curl's --connect-to mappings, and optionally a refusal to connect anywhere
// but loopback (test worlds).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "fightback/util/error.hpp"

namespace fightback::abuse {

struct HttpOptions {
    std::vector<std::string> connect_to; // "HOST:PORT:HOST2:PORT2", as curl's --connect-to
    std::chrono::milliseconds timeout{15000};
    std::size_t max_body = 2u << 20;
    bool loopback_only = false;
    std::string accept = "application/rdap+json";
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::string content_type;
    std::optional<std::string> location;
    std::optional<std::string> retry_after;
};

// Transport failures (refused, timeout, too large, not http) are Errors; any HTTP status is a
// response.
Expected<HttpResponse> http_get(const std::string& url, const HttpOptions& options);

// Retry-After as seconds from now: delta-seconds or an HTTP-date; nothing when unreadable.
std::optional<std::chrono::seconds> parse_retry_after(const std::string& value);

// Resolves a Location header against the URL it answered.
Expected<std::string> resolve_location(const std::string& base, const std::string& location);

// Validates "HOST:PORT:HOST2:PORT2" (each part may be empty as in curl, ports numeric).
Expected<void> check_connect_to(const std::string& mapping);

} // namespace fightback::abuse
