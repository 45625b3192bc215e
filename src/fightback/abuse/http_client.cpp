// libcurl wrapper. Handles live in unique_ptrs made here; global init happens once.
#include "fightback/abuse/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::abuse {
namespace {

struct CurlDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

void global_init()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
    HttpResponse response;
    std::size_t max_body = 0;
    bool too_large = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response.body.size() + n > t->max_body) {
        t->too_large = true;
        return 0; // aborts the transfer
    }
    t->response.body.append(data, n);
    return n;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user)
{
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) { // a new response (after 100 Continue): start over
        t->response.location.reset();
        t->response.retry_after.reset();
        t->response.content_type.clear();
        return n;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos || n > 8192)
        return n;
    auto name = line.substr(0, colon);
    auto value = std::string(trim(line.substr(colon + 1)));
    if (iequals(name, "Location"))
        t->response.location = value;
    else if (iequals(name, "Retry-After"))
        t->response.retry_after = value;
    else if (iequals(name, "Content-Type"))
        t->response.content_type = value;
    return n;
}

bool is_loopback(const sockaddr* sa)
{
    if (sa->sa_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

curl_socket_t open_loopback_only(void*, curlsocktype, curl_sockaddr* address)
{
    if (!is_loopback(&address->addr))
        return CURL_SOCKET_BAD;
    return ::socket(address->family, address->socktype, address->protocol);
}

bool is_port(std::string_view s)
{
    if (s.empty() || s.size() > 5)
        return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c)))
            return false;
    return std::stoi(std::string(s)) <= 65535;
}

// Splits on ':' outside [...] brackets.
std::vector<std::string_view> split_mapping(std::string_view s)
{
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '[')
            ++depth;
        else if (s[i] == ']')
            --depth;
        else if (s[i] == ':' && depth == 0) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(s.substr(start));
    return parts;
}

} // namespace

Expected<void> check_connect_to(const std::string& mapping)
{
    auto parts = split_mapping(mapping);
    if (parts.size() != 4)
        return fail(ErrorKind::invalid,
                    fmt::format("--connect-to '{}': expected HOST:PORT:HOST2:PORT2",
                                printable(mapping)));
    for (auto p : {parts[1], parts[3]})
        if (!p.empty() && !is_port(p))
            return fail(ErrorKind::invalid,
                        fmt::format("--connect-to '{}': '{}' is not a port", printable(mapping),
                                    printable(p)));
    for (char c : mapping)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(ErrorKind::invalid, "--connect-to: spaces and control characters are not allowed");
    return {};
}

Expected<HttpResponse> http_get(const std::string& url, const HttpOptions& options)
{
    global_init();
    if (!url.starts_with("http://") && !url.starts_with("https://"))
        return fail(ErrorKind::invalid, fmt::format("'{}' is not an http(s) URL", printable(url)));
    CurlHandle curl(curl_easy_init());
    if (!curl)
        throw std::runtime_error("curl_easy_init failed");
    CURL* h = curl.get();
    Transfer t;
    t.max_body = options.max_body;
    Slist headers(curl_slist_append(nullptr, ("Accept: " + options.accept).c_str()));
    Slist connect_to;
    for (const auto& m : options.connect_to) {
        curl_slist* grown = curl_slist_append(connect_to.get(), m.c_str());
        if (!grown)
            throw std::runtime_error("curl_slist_append failed");
        (void)connect_to.release();
        connect_to.reset(grown);
    }
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_USERAGENT, "fightback/" FIGHTBACK_VERSION);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<long long>(options.timeout.count(), 10000)));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body));
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); // gzip is common at registries
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    if (connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
    if (options.loopback_only) {
        curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_loopback_only);
        curl_easy_setopt(h, CURLOPT_PROXY, ""); // no proxy from the environment either
    }
    CURLcode rc = curl_easy_perform(h);
    if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return fail(ErrorKind::limit, fmt::format("{}: the answer is larger than {} bytes",
                                                  printable(url), options.max_body));
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return fail(ErrorKind::temporary, fmt::format("{}: timed out", printable(url)));
    if (rc != CURLE_OK)
        return fail(ErrorKind::temporary,
                    fmt::format("{}: {}", printable(url), curl_easy_strerror(rc)));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.response.status);
    return std::move(t.response);
}

std::optional<std::chrono::seconds> parse_retry_after(const std::string& value)
{
    auto v = trim(value);
    if (v.empty() || v.size() > 64)
        return std::nullopt;
    bool digits = true;
    for (char c : v)
        digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (digits)
        return v.size() > 9 ? std::chrono::seconds(999999999)
                            : std::chrono::seconds(std::stol(std::string(v)));
    const std::string text(v);
    time_t when = curl_getdate(text.c_str(), nullptr);
    if (when < 0)
        return std::nullopt;
    time_t now = std::time(nullptr);
    return std::chrono::seconds(when > now ? when - now : 0);
}

Expected<std::string> resolve_location(const std::string& base, const std::string& location)
{
    global_init();
    UrlHandle u(curl_url());
    if (!u)
        throw std::runtime_error("curl_url failed");
    if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
        curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK)
        return fail(ErrorKind::parse,
                    fmt::format("redirect to an unreadable location '{}'", printable(location)));
    char* out = nullptr;
    if (curl_url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK || !out)
        return fail(ErrorKind::parse, "redirect location cannot be resolved");
    std::string result(out);
    curl_free(out);
    return result;
}

} // namespace fightback::abuse
