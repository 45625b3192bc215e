// libcurl's SMTP client, one easy handle per delivery (reports are few; a connection per
// report keeps each delivery's outcome its own). The server's replies are collected through
// the debug callback so a deferral or failure says what the server said.
#include "fightback/send/smtp_transport.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/util/file.hpp"
#include "fightback/util/text.hpp"

namespace fightback::send {
namespace {

struct EasyCleanup {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlCleanup {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
    void operator()(char* p) const { curl_free(p); }
};
using Easy = std::unique_ptr<CURL, EasyCleanup>;
using Slist = std::unique_ptr<curl_slist, SlistFree>;
using Url = std::unique_ptr<CURLU, UrlCleanup>;
using CurlString = std::unique_ptr<char, CurlFree>;

void global_init()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    std::string_view data;
    std::size_t offset = 0;
    const HandedHook* handed = nullptr;
    bool handed_called = false;
    bool handed_ok = false;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user)
{
    auto* up = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    if (up->offset < up->data.size()) {
        const std::size_t n = std::min(room, up->data.size() - up->offset);
        std::copy_n(up->data.data() + up->offset, n, buffer);
        up->offset += n;
        return n;
    }
    // Everything is with curl; returning 0 makes it send the end of data. Record first.
    if (!up->handed_called) {
        up->handed_called = true;
        up->handed_ok = !*up->handed || (*up->handed)();
    }
    return up->handed_ok ? 0 : CURL_READFUNC_ABORT;
}

// The server's last reply lines, for the record.
struct Replies {
    std::string last;
};

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user)
{
    if (type != CURLINFO_HEADER_IN)
        return 0;
    auto* r = static_cast<Replies*>(user);
    std::string_view line(data, std::min<std::size_t>(size, 300));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    r->last = printable(line);
    return 0;
}

bool is_loopback_host(std::string_view host)
{
    return host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.");
}

} // namespace

std::optional<StartTls> parse_starttls(std::string_view text)
{
    if (text == "required" || text == "yes" || text == "true")
        return StartTls::required;
    if (text == "opportunistic" || text == "try")
        return StartTls::opportunistic;
    if (text == "off" || text == "no" || text == "false")
        return StartTls::off;
    return std::nullopt;
}

Expected<std::string> read_password_file(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return fail(ErrorKind::io, fmt::format("password file {}: cannot be read", path.string()));
    if (!S_ISREG(st.st_mode))
        return fail(ErrorKind::invalid,
                    fmt::format("password file {} is not a regular file", path.string()));
    if ((st.st_mode & 077) != 0)
        return fail(ErrorKind::invalid,
                    fmt::format("password file {} must be mode 0600 (it is {:04o}): others can "
                                "read it",
                                path.string(), st.st_mode & 07777));
    if (st.st_uid != ::geteuid())
        return fail(ErrorKind::invalid,
                    fmt::format("password file {} belongs to another user", path.string()));
    auto text = read_file(path, 4096);
    if (!text)
        return std::unexpected(text.error());
    std::string password = text->substr(0, text->find('\n'));
    if (!password.empty() && password.back() == '\r')
        password.pop_back();
    if (password.empty())
        return fail(ErrorKind::invalid, fmt::format("password file {} is empty", path.string()));
    return password;
}

Expected<std::unique_ptr<SmtpTransport>> SmtpTransport::create(SmtpOptions options)
{
    global_init();
    Url url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_URL, options.url.c_str(), 0) != CURLUE_OK)
        return fail(ErrorKind::invalid, fmt::format("smtp url '{}' is not a URL",
                                                    printable(options.url)));
    auto part = [&](CURLUPart which) -> std::optional<std::string> {
        char* raw = nullptr;
        if (curl_url_get(url.get(), which, &raw, 0) != CURLUE_OK || !raw)
            return std::nullopt;
        CurlString owned(raw);
        return std::string(raw);
    };
    auto scheme = part(CURLUPART_SCHEME);
    if (!scheme || (*scheme != "smtp" && *scheme != "smtps"))
        return fail(ErrorKind::invalid,
                    fmt::format("smtp url '{}': the scheme must be smtp or smtps",
                                printable(options.url)));
    auto host = part(CURLUPART_HOST);
    if (!host || host->empty())
        return fail(ErrorKind::invalid,
                    fmt::format("smtp url '{}' names no host", printable(options.url)));
    if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD))
        return fail(ErrorKind::invalid,
                    "smtp url: put the user name and password in the config, not in the URL");
    if (options.password && !options.username)
        return fail(ErrorKind::invalid, "a password is set but no user name");
    if (options.username && *scheme == "smtp" && options.starttls != StartTls::required &&
        !is_loopback_host(*host))
        return fail(ErrorKind::invalid,
                    "refusing to send a password without TLS: set starttls = \"required\" or "
                    "use smtps://");
    return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(options)));
}

DeliveryResult SmtpTransport::deliver(const Envelope& envelope, std::string_view message,
                                      const HandedHook& handed)
{
    DeliveryResult result;
    Easy curl(curl_easy_init());
    if (!curl) {
        result.detail = "curl_easy_init failed";
        return result;
    }
    CURL* c = curl.get();
    Slist rcpt;
    for (const auto& r : envelope.recipients) {
        curl_slist* grown = curl_slist_append(rcpt.get(), fmt::format("<{}>", r).c_str());
        if (!grown) {
            result.detail = "out of memory";
            return result;
        }
        (void)rcpt.release();
        rcpt.reset(grown);
    }
    Upload upload{message, 0, &handed, false, false};
    Replies replies;
    char error_buffer[CURL_ERROR_SIZE] = {};
    const std::string from = fmt::format("<{}>", envelope.mail_from);

    curl_easy_setopt(c, CURLOPT_URL, m_options.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(m_options.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.timeout.count()));
    const long tls = m_options.starttls == StartTls::required        ? CURLUSESSL_ALL
                     : m_options.starttls == StartTls::opportunistic ? CURLUSESSL_TRY
                                                                     : CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, tls);
    if (m_options.ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, m_options.ca_file->c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, m_options.verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, m_options.verify_peer ? 2L : 0L);
    if (m_options.username)
        curl_easy_setopt(c, CURLOPT_USERNAME, m_options.username->c_str());
    if (m_options.password)
        curl_easy_setopt(c, CURLOPT_PASSWORD, m_options.password->c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    // A CC the server refuses must not hold back the report to the others.
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &replies);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);

    const CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    result.code = static_cast<int>(code);
    result.handed = upload.handed_called && upload.handed_ok;
    const std::string said = replies.last.empty() ? "" : fmt::format("; server: {}", replies.last);
    if (rc == CURLE_OK) {
        result.status = DeliveryStatus::sent;
        result.detail = fmt::format("accepted{}", said);
        return result;
    }
    std::string why = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
    if (rc == CURLE_USE_SSL_FAILED)
        why = "the server does not offer STARTTLS, which is required";
    if (upload.handed_called && !upload.handed_ok)
        why = "the ledger could not record the hand-over; not sent";
    if (code >= 500 && code < 600 && rc != CURLE_ABORTED_BY_CALLBACK)
        result.status = DeliveryStatus::failed;
    else
        result.status = DeliveryStatus::deferred;
    result.detail = printable(fmt::format("{}{}", why, said));
    return result;
}

} // namespace fightback::send
