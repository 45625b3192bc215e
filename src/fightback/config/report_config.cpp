// toml++ over [report], [send] and [ledger]: a wrong type or an out-of-range number is an
// error naming the key; unknown keys are refused too, since a misspelt `starttls` must not
// silently fall back to something weaker.
#include "fightback/config/report_config.hpp"

#include <array>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace fightback::config {
namespace {

class TableReader {
public:
    TableReader(const toml::table& table, std::string_view name) : m_table(table), m_name(name) {}

    Expected<void> text(const char* key, std::optional<std::string>& out) const
    {
        const toml::node* n = m_table.get(key);
        if (!n)
            return {};
        auto s = n->value<std::string>();
        if (!s)
            return fail(ErrorKind::invalid, fmt::format("{}.{}: expected a string", m_name, key));
        out = *s;
        return {};
    }
    Expected<void> path(const char* key, std::optional<std::filesystem::path>& out) const
    {
        std::optional<std::string> s;
        if (auto r = text(key, s); !r)
            return r;
        if (s) {
            if (s->empty())
                return fail(ErrorKind::invalid, fmt::format("{}.{}: empty path", m_name, key));
            out = *s;
        }
        return {};
    }
    Expected<void> flag(const char* key, std::optional<bool>& out) const
    {
        const toml::node* n = m_table.get(key);
        if (!n)
            return {};
        auto b = n->value<bool>();
        if (!b || !n->is_boolean())
            return fail(ErrorKind::invalid,
                        fmt::format("{}.{}: expected true or false", m_name, key));
        out = *b;
        return {};
    }
    Expected<void> number(const char* key, double low, double high,
                          std::optional<double>& out) const
    {
        const toml::node* n = m_table.get(key);
        if (!n)
            return {};
        auto v = n->value<double>();
        if (!v || !(n->is_integer() || n->is_floating_point()) || *v < low || *v > high)
            return fail(ErrorKind::invalid, fmt::format("{}.{}: expected a number from {} to {}",
                                                        m_name, key, low, high));
        out = *v;
        return {};
    }
    Expected<void> integer(const char* key, std::int64_t low, std::int64_t high,
                           std::optional<std::int64_t>& out) const
    {
        const toml::node* n = m_table.get(key);
        if (!n)
            return {};
        auto v = n->value<std::int64_t>();
        if (!v || !n->is_integer() || *v < low || *v > high)
            return fail(ErrorKind::invalid, fmt::format("{}.{}: expected an integer from {} to {}",
                                                        m_name, key, low, high));
        out = *v;
        return {};
    }
    Expected<void> only(std::initializer_list<std::string_view> keys) const
    {
        for (const auto& [k, v] : m_table) {
            bool known = false;
            for (auto key : keys)
                known = known || k.str() == key;
            if (!known)
                return fail(ErrorKind::invalid,
                            fmt::format("{}: unknown key '{}'", m_name, k.str()));
        }
        return {};
    }

private:
    const toml::table& m_table;
    std::string_view m_name;
};

Expected<const toml::table*> table_of(const toml::table& root, const char* name)
{
    const toml::node* n = root.get(name);
    if (!n)
        return nullptr;
    const toml::table* t = n->as_table();
    if (!t)
        return fail(ErrorKind::invalid, fmt::format("[{}] must be a table", name));
    return t;
}

#define FB_TRY(expr)                                                                              \
    do {                                                                                          \
        if (auto fb_r = (expr); !fb_r)                                                            \
            return fb_r;                                                                          \
    } while (0)

Expected<void> read_report_table(const toml::table& t, ReportConfig& r)
{
    TableReader in(t, "report");
    FB_TRY(in.only({"reporter", "reply_to", "reporting_mta", "template", "include_rcpt_to",
                    "max_attached_bytes", "period", "max_listed", "per_recipient_limit",
                    "per_recipient_window", "suppress_addresses", "suppress_networks", "max_age",
                    "attach"}));
    FB_TRY(in.text("reporter", r.reporter));
    FB_TRY(in.text("reply_to", r.reply_to));
    FB_TRY(in.text("reporting_mta", r.reporting_mta));
    FB_TRY(in.path("template", r.template_file));
    FB_TRY(in.flag("include_rcpt_to", r.include_rcpt_to));
    std::optional<std::int64_t> n;
    FB_TRY(in.integer("max_attached_bytes", 1024, std::int64_t{1} << 30, n));
    if (n)
        r.max_attached_bytes = static_cast<std::uint64_t>(*n);
    FB_TRY(in.number("period", 1, 366.0 * 86400, r.period));
    n.reset();
    FB_TRY(in.integer("max_listed", 0, 10000, n));
    if (n)
        r.max_listed = static_cast<int>(*n);
    n.reset();
    FB_TRY(in.integer("per_recipient_limit", 0, 1000000, n));
    if (n)
        r.per_recipient_limit = static_cast<int>(*n);
    FB_TRY(in.number("per_recipient_window", 1, 366.0 * 86400, r.per_recipient_window));
    FB_TRY(in.number("max_age", 60, 3660.0 * 86400, r.max_age));
    FB_TRY(in.text("attach", r.attach));
    if (r.attach && *r.attach != "headers" && *r.attach != "message")
        return fail(ErrorKind::invalid, "report.attach: expected \"headers\" or \"message\"");
    if (const toml::node* a = t.get("suppress_addresses")) {
        if (auto s = a->value<std::string>()) {
            r.suppress_addresses.push_back(*s);
        } else if (const auto* array = a->as_array()) {
            for (const auto& item : *array) {
                auto s2 = item.value<std::string>();
                if (!s2)
                    return fail(ErrorKind::invalid,
                                "report.suppress_addresses: every item must be a string");
                r.suppress_addresses.push_back(*s2);
            }
        } else {
            return fail(ErrorKind::invalid,
                        "report.suppress_addresses: expected a string or an array of strings");
        }
    }
    if (const toml::node* a = t.get("suppress_networks")) {
        std::string joined;
        if (auto s = a->value<std::string>()) {
            joined = *s;
        } else if (const auto* array = a->as_array()) {
            for (const auto& item : *array) {
                auto s2 = item.value<std::string>();
                if (!s2)
                    return fail(ErrorKind::invalid,
                                "report.suppress_networks: every item must be a string");
                joined += (joined.empty() ? "" : " ") + *s2;
            }
        } else {
            return fail(ErrorKind::invalid,
                        "report.suppress_networks: expected a string or an array of strings");
        }
        r.suppress_networks = joined;
    }
    return {};
}

Expected<void> read_send_table(const toml::table& t, SendConfig& s)
{
    TableReader in(t, "send");
    FB_TRY(in.only({"method", "smtp_url", "starttls", "ca_file", "tls_verify", "username",
                    "password", "password_file", "envelope_from", "connect_timeout", "timeout",
                    "sendmail", "retry_base", "retry_max", "max_attempts", "unknown_outcome",
                    "burst_limit"}));
    FB_TRY(in.text("method", s.method));
    if (s.method && *s.method != "smtp" && *s.method != "sendmail")
        return fail(ErrorKind::invalid, "send.method: expected \"smtp\" or \"sendmail\"");
    FB_TRY(in.text("smtp_url", s.smtp_url));
    FB_TRY(in.text("starttls", s.starttls));
    if (s.starttls && *s.starttls != "required" && *s.starttls != "opportunistic" &&
        *s.starttls != "off")
        return fail(ErrorKind::invalid,
                    "send.starttls: expected \"required\", \"opportunistic\" or \"off\"");
    FB_TRY(in.path("ca_file", s.ca_file));
    FB_TRY(in.flag("tls_verify", s.tls_verify));
    FB_TRY(in.text("username", s.username));
    FB_TRY(in.text("password", s.password));
    FB_TRY(in.path("password_file", s.password_file));
    FB_TRY(in.text("envelope_from", s.envelope_from));
    FB_TRY(in.number("connect_timeout", 0.01, 600, s.connect_timeout));
    FB_TRY(in.number("timeout", 0.01, 3600, s.timeout));
    FB_TRY(in.path("sendmail", s.sendmail));
    FB_TRY(in.number("retry_base", 0, 86400, s.retry_base));
    FB_TRY(in.number("retry_max", 0, 7 * 86400, s.retry_max));
    std::optional<std::int64_t> n;
    FB_TRY(in.integer("max_attempts", 1, 1000, n));
    if (n)
        s.max_attempts = static_cast<int>(*n);
    n.reset();
    FB_TRY(in.integer("burst_limit", 0, 1000000, n));
    if (n)
        s.burst_limit = static_cast<int>(*n);
    FB_TRY(in.text("unknown_outcome", s.unknown_outcome));
    if (s.unknown_outcome && *s.unknown_outcome != "resend" &&
        *s.unknown_outcome != "assume-sent")
        return fail(ErrorKind::invalid,
                    "send.unknown_outcome: expected \"resend\" or \"assume-sent\"");
    return {};
}

#undef FB_TRY

} // namespace

Expected<void> read_report(std::string_view toml_text, ReportConfig& report, SendConfig& send,
                           LedgerConfig& ledger)
{
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::parse, std::string(e.description()));
    }
    auto r = table_of(root, "report");
    if (!r)
        return std::unexpected(r.error());
    if (*r)
        if (auto ok = read_report_table(**r, report); !ok)
            return ok;
    auto s = table_of(root, "send");
    if (!s)
        return std::unexpected(s.error());
    if (*s)
        if (auto ok = read_send_table(**s, send); !ok)
            return ok;
    auto l = table_of(root, "ledger");
    if (!l)
        return std::unexpected(l.error());
    if (*l) {
        TableReader in(**l, "ledger");
        if (auto ok = in.only({"path"}); !ok)
            return ok;
        if (auto ok = in.path("path", ledger.path); !ok)
            return ok;
    }
    return {};
}

} // namespace fightback::config
