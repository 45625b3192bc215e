// The terminal table, the JSON and the CSV of the statistics. Strings that came from mail or a
// registry (detection names, network names) are made printable before they reach a terminal.
#include "fightback/stats/stats_output.hpp"

#include <set>

#include <fmt/format.h>

#include "fightback/util/text.hpp"

namespace fightback::stats {
namespace {

std::string percent(double share)
{
    return fmt::format("{:.0f}%", share * 100.0);
}

std::string shown(std::string_view text, std::size_t width)
{
    std::string out = printable(text);
    if (out.size() > width)
        out = out.substr(0, width - 1) + "~";
    return out;
}

void write_groups(std::ostream& out, std::string_view title, const std::vector<GroupCounts>& groups,
                  bool networks)
{
    out << fmt::format("\n{}\n", title);
    out << fmt::format("{:<34} {:>7} {:>8} {:>6} {:>6} {:>10} {:>8} {:>7} {:>6}\n",
                       networks ? "network (name, registry)" : "registry", "sources", "messages",
                       "sent", "failed", "unresolved", "answered", "bounced", "rate");
    for (const auto& g : groups) {
        std::string label = g.key;
        if (networks && !g.name.empty())
            label += " " + g.name;
        out << fmt::format("{:<34} {:>7} {:>8} {:>6} {:>6} {:>10} {:>8} {:>7} {:>6}\n",
                           shown(label, 34), g.sources, g.messages, g.complaints_sent,
                           g.complaints_failed, g.unresolved, g.answered, g.bounced,
                           g.complaints_sent ? percent(g.reply_rate) : "-");
    }
}

nlohmann::json group_json(const GroupCounts& g, bool network)
{
    nlohmann::json j = {{network ? "range" : "registry", g.key},
                        {"sources", g.sources},
                        {"messages", g.messages},
                        {"complaints_sent", g.complaints_sent},
                        {"complaints_failed", g.complaints_failed},
                        {"unresolved", g.unresolved},
                        {"replies", g.replies},
                        {"answered", g.answered},
                        {"bounced", g.bounced},
                        {"reply_rate", g.reply_rate}};
    if (network) {
        j["name"] = g.name.empty() ? nlohmann::json() : nlohmann::json(g.name);
        j["registry"] = g.registry;
    }
    return j;
}

nlohmann::json share_json(const EffectShare& s)
{
    return {{"sources", s.sources},
            {"observed", s.observed},
            {"quiet", s.quiet},
            {"share", s.share}};
}

nlohmann::json curve_json(const std::vector<double>& curve)
{
    auto j = nlohmann::json::array();
    for (double v : curve)
        j.push_back(v < 0 ? nlohmann::json() : nlohmann::json(v));
    return j;
}

std::string iso_time(std::int64_t ms)
{
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::set<std::string> detection_names(const Stats& stats)
{
    std::set<std::string> names;
    for (const auto& d : stats.days)
        for (const auto& [name, n] : d.detections_by_name)
            names.insert(name);
    return names;
}

} // namespace

std::string csv_cell(std::string_view text)
{
    std::string cell(text);
    if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@'))
        cell.insert(cell.begin(), '\'');
    if (cell.find_first_of(",\"\r\n") == std::string::npos)
        return cell;
    std::string quoted = "\"";
    for (char c : cell) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

void write_table(std::ostream& out, const Stats& stats)
{
    out << fmt::format("{:<10} {:>7} {:>10} {:>6} {:>8} {:>6} {:>10} {:>7}  {}\n", "day",
                       "scanned", "detections", "sent", "deferred", "failed", "unresolved",
                       "replies", "by name");
    // The JSON, CSV and the page keep every day of the span (charts need the gaps); the
    // terminal shows the days something happened, so 2003 mail scanned today is a few lines.
    std::size_t quiet = 0;
    for (const auto& d : stats.days) {
        if (d.scanned == 0 && d.detections == 0 && d.complaints_sent == 0 &&
            d.complaints_deferred == 0 && d.complaints_failed == 0 && d.unresolved == 0 &&
            d.replies == 0) {
            ++quiet;
            continue;
        }
        std::string names;
        for (const auto& [name, n] : d.detections_by_name)
            names += fmt::format("{}{} {}", names.empty() ? "" : ", ", shown(name, 40), n);
        out << fmt::format("{:<10} {:>7} {:>10} {:>6} {:>8} {:>6} {:>10} {:>7}  {}\n", d.day,
                           d.scanned, d.detections, d.complaints_sent, d.complaints_deferred,
                           d.complaints_failed, d.unresolved, d.replies, names);
    }
    if (quiet > 0)
        out << fmt::format("({} day{} without any of these not shown)\n", quiet,
                           quiet == 1 ? "" : "s");
    write_groups(out, "Per network", stats.networks, true);
    write_groups(out, "Per registry", stats.registries, false);

    out << fmt::format("\nAfter the complaint (quiet = no mail from {} days after it on)\n",
                       stats.quiet_days);
    out << fmt::format("{:<39} {:<11} {:>6} {:>6} {:>12} {:<9}\n", "source", "kind", "before",
                       "after", "days to last", "quiet");
    for (const auto& e : stats.sources)
        out << fmt::format("{:<39} {:<11} {:>6} {:>6} {:>12.1f} {:<9}\n", shown(e.source_ip, 39),
                           e.complained ? "complained" : "unresolved", e.before, e.after,
                           e.days_to_last, to_string(e.quiet));
    auto line = [&](std::string_view what, const EffectShare& s) {
        out << fmt::format("{:<32} {} of {} observed ({} in all): {}\n", what, s.quiet,
                           s.observed, s.sources, s.observed ? percent(s.share) : "-");
    };
    out << fmt::format("\nWent quiet within {} days\n", stats.quiet_days);
    line("complained about", stats.complained);
    line("could not be complained about", stats.unresolved);

    out << fmt::format("\nReplies: {} ({} tied to a complaint)", stats.replies.total,
                       stats.replies.matched);
    for (const auto& [kind, n] : stats.replies.by_kind)
        out << fmt::format(", {} {}", kind, n);
    out << fmt::format("; {} of {} sent complaints answered\n", stats.complaints_answered,
                       stats.complaints_sent);
}

nlohmann::json to_json(const Stats& stats)
{
    nlohmann::json j;
    j["generated"] = iso_time(stats.now_ms);
    j["quiet_days"] = stats.quiet_days;
    auto& days = j["days"] = nlohmann::json::array();
    for (const auto& d : stats.days)
        days.push_back({{"day", d.day},
                        {"scanned", d.scanned},
                        {"detections", d.detections},
                        {"detections_by_name", d.detections_by_name},
                        {"complaints_sent", d.complaints_sent},
                        {"complaints_deferred", d.complaints_deferred},
                        {"complaints_failed", d.complaints_failed},
                        {"unresolved", d.unresolved},
                        {"replies", d.replies}});
    auto& networks = j["networks"] = nlohmann::json::array();
    for (const auto& g : stats.networks)
        networks.push_back(group_json(g, true));
    auto& registries = j["registries"] = nlohmann::json::array();
    for (const auto& g : stats.registries)
        registries.push_back(group_json(g, false));
    auto& sources = j["sources"] = nlohmann::json::array();
    for (const auto& e : stats.sources)
        sources.push_back({{"source_ip", e.source_ip},
                           {"network", e.network},
                           {"registry", e.registry},
                           {"kind", e.complained ? "complained" : "unresolved"},
                           {"reference", iso_time(e.reference_ms)},
                           {"before", e.before},
                           {"after", e.after},
                           {"last_seen", e.last_ms > 0 ? nlohmann::json(iso_time(e.last_ms))
                                                       : nlohmann::json()},
                           {"days_to_last", e.days_to_last},
                           {"quiet", to_string(e.quiet)}});
    j["effect"] = {{"complained", share_json(stats.complained)},
                   {"unresolved", share_json(stats.unresolved)},
                   {"active_complained", curve_json(stats.active_complained)},
                   {"active_unresolved", curve_json(stats.active_unresolved)}};
    j["replies"] = {{"total", stats.replies.total},
                    {"matched", stats.replies.matched},
                    {"by_kind", stats.replies.by_kind},
                    {"complaints_sent", stats.complaints_sent},
                    {"complaints_answered", stats.complaints_answered}};
    return j;
}

void write_csv(std::ostream& out, const Stats& stats, CsvTable table)
{
    switch (table) {
    case CsvTable::days: {
        const auto names = detection_names(stats);
        out << "day,scanned,detections,complaints_sent,complaints_deferred,complaints_failed,"
               "unresolved,replies";
        for (const auto& name : names)
            out << ',' << csv_cell("detections:" + name);
        out << "\r\n";
        for (const auto& d : stats.days) {
            out << fmt::format("{},{},{},{},{},{},{},{}", d.day, d.scanned, d.detections,
                               d.complaints_sent, d.complaints_deferred, d.complaints_failed,
                               d.unresolved, d.replies);
            for (const auto& name : names) {
                auto it = d.detections_by_name.find(name);
                out << ',' << (it == d.detections_by_name.end() ? 0 : it->second);
            }
            out << "\r\n";
        }
        break;
    }
    case CsvTable::networks:
    case CsvTable::registries: {
        const bool nets = table == CsvTable::networks;
        out << (nets ? "range,name,registry" : "registry")
            << ",sources,messages,complaints_sent,complaints_failed,unresolved,replies,answered,"
               "bounced,reply_rate\r\n";
        for (const auto& g : nets ? stats.networks : stats.registries) {
            out << csv_cell(g.key);
            if (nets)
                out << ',' << csv_cell(g.name) << ',' << csv_cell(g.registry);
            out << fmt::format(",{},{},{},{},{},{},{},{},{:.4f}\r\n", g.sources, g.messages,
                               g.complaints_sent, g.complaints_failed, g.unresolved, g.replies,
                               g.answered, g.bounced, g.reply_rate);
        }
        break;
    }
    case CsvTable::sources:
        out << "source_ip,network,registry,kind,reference,before,after,last_seen,days_to_last,"
               "quiet\r\n";
        for (const auto& e : stats.sources)
            out << fmt::format("{},{},{},{},{},{},{},{},{:.2f},{}\r\n", csv_cell(e.source_ip),
                               csv_cell(e.network), csv_cell(e.registry),
                               e.complained ? "complained" : "unresolved",
                               iso_time(e.reference_ms), e.before, e.after,
                               e.last_ms > 0 ? iso_time(e.last_ms) : "", e.days_to_last,
                               to_string(e.quiet));
        break;
    }
}

} // namespace fightback::stats
