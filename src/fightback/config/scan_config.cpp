// Reading the scan, folder and delivery settings with toml++. These tables are ours alone,
// so unknown keys are errors: a misspelt rule must not silently change what is reported.
#include "fightback/config/scan_config.hpp"

#include <charconv>
#include <initializer_list>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace fightback::config {
namespace {

Expected<void> only_known(const toml::table& table, std::string_view where,
                          std::initializer_list<std::string_view> keys)
{
    for (const auto& [key, value] : table) {
        bool known = false;
        for (auto k : keys)
            known = known || key.str() == k;
        if (!known)
            return fail(ErrorKind::invalid, fmt::format("{}: unknown key '{}'", where, key.str()));
    }
    return {};
}

Expected<std::optional<std::string>> text(const toml::table& t, std::string_view where, std::string_view key)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<std::string>{};
    auto s = node->value<std::string>();
    if (!node->is_string() || !s || s->empty())
        return fail(ErrorKind::invalid, fmt::format("{}.{}: expected a non-empty string", where, key));
    return std::optional<std::string>{*s};
}

Expected<std::optional<bool>> boolean(const toml::table& t, std::string_view where, std::string_view key)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<bool>{};
    if (!node->is_boolean())
        return fail(ErrorKind::invalid, fmt::format("{}.{}: expected true or false", where, key));
    return std::optional<bool>{*node->value<bool>()};
}

Expected<std::optional<std::uint64_t>> integer(const toml::table& t, std::string_view where,
                                               std::string_view key, std::uint64_t low, std::uint64_t high)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<std::uint64_t>{};
    auto v = node->value<std::int64_t>();
    if (!node->is_integer() || !v || *v < 0 || static_cast<std::uint64_t>(*v) < low ||
        static_cast<std::uint64_t>(*v) > high)
        return fail(ErrorKind::invalid,
                    fmt::format("{}.{}: expected an integer from {} to {}", where, key, low, high));
    return std::optional<std::uint64_t>{static_cast<std::uint64_t>(*v)};
}

// A size: an integer of bytes or a string with a K/M/G suffix.
Expected<std::optional<std::uint64_t>> size(const toml::table& t, std::string_view where, std::string_view key)
{
    const toml::node* node = t.get(key);
    if (!node)
        return std::optional<std::uint64_t>{};
    const std::string name = fmt::format("{}.{}", where, key);
    if (node->is_string()) {
        auto parsed = parse_size(name, *node->value<std::string>());
        if (!parsed)
            return std::unexpected(parsed.error());
        return std::optional<std::uint64_t>{*parsed};
    }
    if (node->is_integer() && *node->value<std::int64_t>() > 0)
        return std::optional<std::uint64_t>{static_cast<std::uint64_t>(*node->value<std::int64_t>())};
    return fail(ErrorKind::invalid, fmt::format("{}: expected a size such as 25M or a number of bytes", name));
}

Expected<scan::Action> action(const toml::table& t, std::string_view where, std::string_view key)
{
    auto value = text(t, where, key);
    if (!value)
        return std::unexpected(value.error());
    if (!*value)
        return fail(ErrorKind::invalid, fmt::format("{}: '{}' is required", where, key));
    auto a = scan::parse_action(**value);
    if (!a)
        return fail(ErrorKind::invalid,
                    fmt::format("{}.{}: '{}' is not one of keep, complain, review, quarantine", where,
                                key, **value));
    return *a;
}

Expected<scan::Rule> read_rule(const toml::table& t, std::size_t index)
{
    const std::string where = fmt::format("scan.rules[{}]", index + 1);
    if (auto ok = only_known(t, where, {"name", "header", "min_score", "action"}); !ok)
        return std::unexpected(ok.error());
    scan::Rule rule;
    auto name = text(t, where, "name");
    auto header = text(t, where, "header");
    if (!name)
        return std::unexpected(name.error());
    if (!header)
        return std::unexpected(header.error());
    if (name->has_value() == header->has_value())
        return fail(ErrorKind::invalid, fmt::format("{}: give either 'name' or 'header'", where));
    if (*name) {
        rule.kind = scan::Rule::Kind::name;
        rule.pattern = **name;
        if (t.get("min_score"))
            return fail(ErrorKind::invalid, fmt::format("{}: min_score goes with 'header'", where));
    } else {
        rule.kind = scan::Rule::Kind::header;
        rule.header = **header;
        for (unsigned char c : rule.header)
            if (c <= 32 || c >= 127 || c == ':')
                return fail(ErrorKind::invalid, fmt::format("{}.header: not a header field name", where));
        if (const toml::node* score = t.get("min_score")) {
            auto v = score->value<double>();
            if (!v || !(score->is_integer() || score->is_floating_point()))
                return fail(ErrorKind::invalid, fmt::format("{}.min_score: expected a number", where));
            rule.min_score = *v;
        }
    }
    auto a = action(t, where, "action");
    if (!a)
        return std::unexpected(a.error());
    rule.action = *a;
    return rule;
}

Expected<void> read_scan_table(const toml::table& t, ScanConfig& scan)
{
    if (auto ok = only_known(t, "scan", {"engine", "database", "clamd", "clamd_timeout_ms",
                                         "max_file_size", "max_scan_size", "max_scan_time_ms",
                                         "max_recursion", "max_files", "tmpdir", "heuristics",
                                         "cache", "locate_parts", "jobs", "default_action", "rules"});
        !ok)
        return ok;
    auto& e = scan.engine;
    if (auto engine = text(t, "scan", "engine"); !engine)
        return std::unexpected(engine.error());
    else if (*engine) {
        if (**engine == "libclamav" || **engine == "clamav")
            e.kind = scan::EngineKind::libclamav;
        else if (**engine == "clamd")
            e.kind = scan::EngineKind::clamd;
        else
            return fail(ErrorKind::invalid, fmt::format("scan.engine: '{}' is not libclamav or clamd", **engine));
    }
    if (auto v = text(t, "scan", "database"); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.database = **v;
    if (auto v = text(t, "scan", "clamd"); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.clamd_address = **v;
    if (auto v = text(t, "scan", "tmpdir"); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.tmpdir = std::filesystem::path(**v);
    if (auto v = integer(t, "scan", "clamd_timeout_ms", 100, 3'600'000); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.clamd_timeout = std::chrono::milliseconds(**v);
    for (auto [key, target] : {std::pair{"max_file_size", &e.max_file_size},
                               std::pair{"max_scan_size", &e.max_scan_size}}) {
        auto v = size(t, "scan", key);
        if (!v)
            return std::unexpected(v.error());
        if (*v)
            *target = **v;
    }
    struct Small {
        const char* key;
        std::optional<std::uint32_t>* target;
        std::uint64_t high;
    };
    for (Small s : {Small{"max_scan_time_ms", &e.max_scan_time_ms, 3'600'000},
                    Small{"max_recursion", &e.max_recursion, 64},
                    Small{"max_files", &e.max_files, 1'000'000}}) {
        auto v = integer(t, "scan", s.key, 1, s.high);
        if (!v)
            return std::unexpected(v.error());
        if (*v)
            *s.target = static_cast<std::uint32_t>(**v);
    }
    if (auto v = integer(t, "scan", "jobs", 1, 256); !v)
        return std::unexpected(v.error());
    else if (*v)
        scan.jobs = static_cast<unsigned>(**v);
    if (auto v = boolean(t, "scan", "heuristics"); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.heuristics = **v;
    if (auto v = boolean(t, "scan", "cache"); !v)
        return std::unexpected(v.error());
    else if (*v)
        e.cache = **v;
    if (auto v = boolean(t, "scan", "locate_parts"); !v)
        return std::unexpected(v.error());
    else if (*v)
        scan.classify.locate_parts = **v;
    if (t.get("default_action")) {
        auto a = action(t, "scan", "default_action");
        if (!a)
            return std::unexpected(a.error());
        scan.rules.default_action = *a;
    }
    if (const toml::node* rules = t.get("rules")) {
        const toml::array* array = rules->as_array();
        if (!array)
            return fail(ErrorKind::invalid, "scan.rules: expected [[scan.rules]] tables");
        scan.rules.rules.clear();
        for (std::size_t i = 0; i < array->size(); ++i) {
            const toml::table* rule = array->get(i)->as_table();
            if (!rule)
                return fail(ErrorKind::invalid, fmt::format("scan.rules[{}]: expected a table", i + 1));
            auto parsed = read_rule(*rule, i);
            if (!parsed)
                return std::unexpected(parsed.error());
            scan.rules.rules.push_back(std::move(*parsed));
        }
    }
    return {};
}

Expected<void> read_folders(const toml::table& t, FoldersConfig& f)
{
    if (auto ok = only_known(t, "folders", {"maildir", "complained", "unresolved", "review",
                                            "quarantine", "html"});
        !ok)
        return ok;
    if (auto v = text(t, "folders", "maildir"); !v)
        return std::unexpected(v.error());
    else if (*v)
        f.maildir = std::filesystem::path(**v);
    for (auto [key, target] : {std::pair{"complained", &f.complained}, std::pair{"unresolved", &f.unresolved},
                               std::pair{"review", &f.review}, std::pair{"quarantine", &f.quarantine},
                               std::pair{"html", &f.html}}) {
        auto v = text(t, "folders", key);
        if (!v)
            return std::unexpected(v.error());
        if (*v) {
            if ((*v)->find("..") != std::string::npos && (*v)->front() != '/')
                return fail(ErrorKind::invalid, fmt::format("folders.{}: '..' is not allowed", key));
            *target = **v;
        }
    }
    return {};
}

Expected<void> read_deliver(const toml::table& t, DeliverConfig& d)
{
    if (auto ok = only_known(t, "deliver", {"scan", "html_only", "max_scan_bytes"}); !ok)
        return ok;
    for (auto [key, target] : {std::pair{"scan", &d.scan}, std::pair{"html_only", &d.html_only}}) {
        auto v = boolean(t, "deliver", key);
        if (!v)
            return std::unexpected(v.error());
        if (*v)
            *target = **v;
    }
    if (auto v = size(t, "deliver", "max_scan_bytes"); !v)
        return std::unexpected(v.error());
    else if (*v)
        d.max_scan_bytes = static_cast<std::size_t>(**v);
    return {};
}

const toml::table* table_of(const toml::table& root, std::string_view name, Expected<void>& status)
{
    const toml::node* node = root.get(name);
    if (!node)
        return nullptr;
    if (!node->as_table())
        status = fail(ErrorKind::invalid, fmt::format("[{}] must be a table", name));
    return node->as_table();
}

} // namespace

Expected<std::uint64_t> parse_size(std::string_view key, std::string_view text)
{
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t scale = 1;
    if (unit == "K" || unit == "k")
        scale = 1ull << 10;
    else if (unit == "M" || unit == "m")
        scale = 1ull << 20;
    else if (unit == "G" || unit == "g")
        scale = 1ull << 30;
    else if (!unit.empty())
        ec = std::errc::invalid_argument;
    if (ec != std::errc{} || value == 0 || value > (1ull << 40) / scale)
        return fail(ErrorKind::invalid,
                    fmt::format("{}: '{}' is not a size such as 25M, 512K or 1G", key, text));
    return value * scale;
}

Expected<void> read_scan(std::string_view toml_text, ScanConfig& scan, FoldersConfig& folders,
                         DeliverConfig& deliver)
{
    toml::table root;
    try {
        root = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::parse, std::string(e.description()));
    }
    Expected<void> status;
    if (const auto* t = table_of(root, "scan", status); t && status)
        status = read_scan_table(*t, scan);
    if (!status)
        return status;
    if (const auto* t = table_of(root, "folders", status); t && status)
        status = read_folders(*t, folders);
    if (!status)
        return status;
    if (const auto* t = table_of(root, "deliver", status); t && status)
        status = read_deliver(*t, deliver);
    return status;
}

} // namespace fightback::config
