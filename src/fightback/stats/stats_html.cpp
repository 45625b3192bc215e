// The report page: one HTML file with its CSS inline and its charts drawn here as inline SVG,
// so it opens in any browser with nothing fetched. Every string that came from mail or a
// registry goes through html_escape; numbers are formatted here, never taken as text.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "fightback/stats/stats_output.hpp"

namespace fightback::stats {
namespace {

constexpr double chart_w = 960;
constexpr double chart_h = 300;
constexpr double pad_left = 56;
constexpr double pad_right = 32;
constexpr double pad_top = 24;
constexpr double pad_bottom = 48;

constexpr std::string_view css = R"css(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1040px;
 padding:0 1em;color:#1d2430;background:#fbfbfd}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin:1.6em 0 .4em}
.lead{color:#555}figure{margin:1em 0;background:#fff;border:1px solid #dde;border-radius:6px;padding:.6em}
figcaption{font-weight:600;margin-bottom:.3em}svg{width:100%;height:auto;display:block}
svg text{font:12px system-ui,sans-serif;fill:#444}.axis{stroke:#999;stroke-width:1}
.grid{stroke:#e6e6ee;stroke-width:1}.bar-detections{fill:#8fa8d8}.bar-reply{fill:#6cb38a}
.bar-none{fill:#d9a0a0}.line-complaints{fill:none;stroke:#c0392b;stroke-width:2}
.dot-complaints{fill:#c0392b}.line-complained{fill:none;stroke:#1f6fb2;stroke-width:2.5}
.dot-complained{fill:#1f6fb2}.line-unresolved{fill:none;stroke:#d68910;stroke-width:2.5;
stroke-dasharray:6 4}.dot-unresolved{fill:#d68910}.swatch{stroke:none}
table{border-collapse:collapse;margin:.5em 0;font-size:13px;background:#fff}
th,td{border:1px solid #dde;padding:3px 8px;text-align:right}th{background:#eef1f7}
td.text,th.text{text-align:left}.share{font-size:1.05em}.empty{color:#777;font-style:italic}
)css";

std::string num(double v)
{
    return fmt::format("{:.1f}", v);
}

std::string percent(double share)
{
    return fmt::format("{:.0f}%", share * 100.0);
}

// A "nice" top for an axis of counts up to `max`: four grid steps of whole numbers.
double axis_top(double max)
{
    if (max <= 4)
        return 4;
    if (max <= 40)
        return std::ceil(max / 4.0) * 4.0;
    const double step = std::pow(10.0, std::floor(std::log10(max)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * step >= max)
            return m * step;
    return 10 * step;
}

class Chart {
public:
    Chart(std::string id, std::string title) : m_id(std::move(id)), m_title(std::move(title))
    {
        m_svg = fmt::format("<svg id=\"{0}\" viewBox=\"0 0 {1} {2}\" role=\"img\" "
                            "aria-labelledby=\"{0}-title\" xmlns=\"http://www.w3.org/2000/svg\">"
                            "<title id=\"{0}-title\">{3}</title>",
                            m_id, chart_w, chart_h, html_escape(m_title));
    }

    double plot_w() const { return chart_w - pad_left - pad_right; }
    double plot_h() const { return chart_h - pad_top - pad_bottom; }
    double y_of(double v, double top) const { return pad_top + plot_h() * (1.0 - v / top); }

    void y_axis(double top, bool as_percent)
    {
        for (int i = 0; i <= 4; ++i) {
            const double v = top * i / 4.0;
            const double y = y_of(v, top);
            m_svg += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                                 pad_left, num(y), chart_w - pad_right, num(y));
            m_svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                                 pad_left - 6, num(y + 4),
                                 as_percent ? percent(v) : fmt::format("{:g}", v));
        }
        m_svg += fmt::format("<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>",
                             pad_left, num(pad_top + plot_h()), chart_w - pad_right);
    }

    void x_label(double x, std::string_view text)
    {
        m_svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", num(x),
                             num(pad_top + plot_h() + 18), html_escape(text));
    }

    void legend(int slot, std::string_view css_class, std::string_view text)
    {
        const double x = pad_left + 8 + slot * 230;
        const double y = chart_h - 14;
        m_svg += fmt::format("<g class=\"legend\"><rect class=\"swatch {}\" x=\"{}\" y=\"{}\" "
                             "width=\"12\" height=\"12\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                             css_class, num(x), num(y - 10), num(x + 18), num(y),
                             html_escape(text));
    }

    void add(std::string element) { m_svg += element; }

    std::string finish(std::string_view caption)
    {
        return fmt::format("<figure><figcaption>{}</figcaption>{}</svg><p class=\"lead\">{}"
                           "</p></figure>\n",
                           html_escape(m_title), m_svg, html_escape(caption));
    }

private:
    std::string m_id;
    std::string m_title;
    std::string m_svg;
};

std::string polyline(const std::vector<std::pair<double, double>>& points, std::string_view cls)
{
    if (points.empty())
        return {};
    std::string d;
    for (std::size_t i = 0; i < points.size(); ++i)
        d += fmt::format("{}{} {}", i ? " L" : "M", num(points[i].first), num(points[i].second));
    return fmt::format("<path class=\"{}\" d=\"{}\"/>", cls, d);
}

std::string dot(double x, double y, std::string_view cls, std::string_view tip)
{
    return fmt::format("<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3.5\"><title>{}</title>"
                       "</circle>",
                       cls, num(x), num(y), html_escape(tip));
}

std::string per_day_chart(const Stats& stats)
{
    Chart chart("chart-per-day", "Detections and complaints per day");
    double max = 0;
    for (const auto& d : stats.days)
        max = std::max<double>(max, static_cast<double>(std::max(d.detections, d.complaints_sent)));
    const double top = axis_top(max);
    chart.y_axis(top, false);
    const auto n = std::max<std::size_t>(stats.days.size(), 1);
    const double slot = chart.plot_w() / static_cast<double>(n);
    const std::size_t label_every = std::max<std::size_t>(1, n / 10);
    std::vector<std::pair<double, double>> line;
    for (std::size_t i = 0; i < stats.days.size(); ++i) {
        const auto& d = stats.days[i];
        const double x = pad_left + slot * static_cast<double>(i);
        const double y = chart.y_of(static_cast<double>(d.detections), top);
        chart.add(fmt::format("<rect class=\"bar-detections\" x=\"{}\" y=\"{}\" width=\"{}\" "
                              "height=\"{}\"><title>{}: {} detections</title></rect>",
                              num(x + slot * 0.15), num(y), num(slot * 0.7),
                              num(pad_top + chart.plot_h() - y), d.day, d.detections));
        const double cx = x + slot / 2;
        const double cy = chart.y_of(static_cast<double>(d.complaints_sent), top);
        line.emplace_back(cx, cy);
        if (i % label_every == 0)
            chart.x_label(cx, d.day.substr(5));
    }
    chart.add(polyline(line, "line-complaints"));
    for (std::size_t i = 0; i < line.size(); ++i)
        chart.add(dot(line[i].first, line[i].second, "dot-complaints",
                      fmt::format("{}: {} complaints sent", stats.days[i].day,
                                  stats.days[i].complaints_sent)));
    chart.legend(0, "bar-detections", "messages with a detection");
    chart.legend(1, "dot-complaints", "complaints sent");
    return chart.finish(stats.days.empty() ? "No data in the ledger yet."
                                           : "Days in UTC, from the first to the last with data.");
}

std::string active_chart(const Stats& stats)
{
    Chart chart("chart-active", "Sources still active after a complaint");
    chart.y_axis(1.0, true);
    const auto n = std::max<std::size_t>(stats.active_complained.size(), 2);
    const double step = chart.plot_w() / static_cast<double>(n - 1);
    const std::size_t label_every = std::max<std::size_t>(1, n / 12);
    for (std::size_t d = 0; d < n; d += label_every)
        chart.x_label(pad_left + step * static_cast<double>(d), fmt::format("day {}", d));
    auto draw = [&](const std::vector<double>& curve, std::string_view what) {
        std::vector<std::pair<double, double>> points;
        for (std::size_t d = 0; d < curve.size(); ++d)
            if (curve[d] >= 0)
                points.emplace_back(pad_left + step * static_cast<double>(d),
                                    chart.y_of(curve[d], 1.0));
        chart.add(polyline(points, fmt::format("line-{}", what)));
        for (const auto& [x, y] : points)
            chart.add(dot(x, y, fmt::format("dot-{}", what),
                          fmt::format("{}: {} still sending", what,
                                      percent(1.0 - (y - pad_top) / chart.plot_h()))));
    };
    draw(stats.active_complained, "complained");
    draw(stats.active_unresolved, "unresolved");
    chart.legend(0, "dot-complained", "complained about");
    chart.legend(1, "dot-unresolved", "could not be complained about");
    return chart.finish(fmt::format(
        "Share of sources sending again later than N days after the first complaint (or, for "
        "sources nobody could be told about, after their first message); each point counts only "
        "sources watched that long. Went quiet within {} days: {} of complained sources, {} of "
        "the others.",
        stats.quiet_days,
        stats.complained.observed ? percent(stats.complained.share) : "-",
        stats.unresolved.observed ? percent(stats.unresolved.share) : "-"));
}

std::string replies_chart(const Stats& stats)
{
    Chart chart("chart-replies", "Replies from abuse desks");
    std::vector<std::pair<std::string, std::int64_t>> bars;
    for (const char* kind : {"auto-reply", "personal", "feedback-report", "bounce"}) {
        auto it = stats.replies.by_kind.find(kind);
        bars.emplace_back(kind, it == stats.replies.by_kind.end() ? 0 : it->second);
    }
    bars.emplace_back("no answer", stats.complaints_sent - stats.complaints_answered);
    double max = 0;
    for (const auto& [k, v] : bars)
        max = std::max(max, static_cast<double>(v));
    const double top = axis_top(max);
    chart.y_axis(top, false);
    const double slot = chart.plot_w() / static_cast<double>(bars.size());
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const double x = pad_left + slot * static_cast<double>(i);
        const double y = chart.y_of(static_cast<double>(bars[i].second), top);
        chart.add(fmt::format("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\">"
                              "<title>{}: {}</title></rect>",
                              i + 1 == bars.size() ? "bar-none" : "bar-reply",
                              num(x + slot * 0.2), num(y), num(slot * 0.6),
                              num(pad_top + chart.plot_h() - y), bars[i].first, bars[i].second));
        chart.x_label(x + slot / 2, fmt::format("{} ({})", bars[i].first, bars[i].second));
    }
    chart.legend(0, "bar-reply", "replies, by kind");
    chart.legend(1, "bar-none", "sent complaints without an answer");
    return chart.finish(fmt::format("{} replies, {} tied to a complaint; {} of {} sent complaints "
                                    "answered (bounces not counted as answers).",
                                    stats.replies.total, stats.replies.matched,
                                    stats.complaints_answered, stats.complaints_sent));
}

std::string group_table(std::string_view title, const std::vector<GroupCounts>& groups,
                        bool networks)
{
    std::string out = fmt::format("<h2>{}</h2>", html_escape(title));
    if (groups.empty())
        return out + "<p class=\"empty\">None yet.</p>";
    out += fmt::format("<table><tr><th class=\"text\">{}</th>{}<th>sources</th><th>messages</th>"
                       "<th>sent</th><th>failed</th><th>unresolved</th><th>answered</th>"
                       "<th>bounced</th><th>reply rate</th></tr>",
                       networks ? "range" : "registry",
                       networks ? "<th class=\"text\">name</th><th class=\"text\">registry</th>"
                                : "");
    for (const auto& g : groups) {
        out += fmt::format("<tr><td class=\"text\">{}</td>", html_escape(g.key));
        if (networks)
            out += fmt::format("<td class=\"text\">{}</td><td class=\"text\">{}</td>",
                               html_escape(g.name), html_escape(g.registry));
        out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                           "<td>{}</td><td>{}</td></tr>",
                           g.sources, g.messages, g.complaints_sent, g.complaints_failed,
                           g.unresolved, g.answered, g.bounced,
                           g.complaints_sent ? percent(g.reply_rate) : "-");
    }
    return out + "</table>";
}

std::string day_table(const Stats& stats)
{
    std::string out = "<h2>Per day</h2>";
    if (stats.days.empty())
        return out + "<p class=\"empty\">None yet.</p>";
    out += "<table><tr><th class=\"text\">day</th><th>scanned</th><th>detections</th>"
           "<th>sent</th><th>deferred</th><th>failed</th><th>unresolved</th><th>replies</th>"
           "<th class=\"text\">by name</th></tr>";
    for (const auto& d : stats.days) {
        std::string names;
        for (const auto& [name, n] : d.detections_by_name)
            names += fmt::format("{}{} {}", names.empty() ? "" : ", ", html_escape(name), n);
        out += fmt::format("<tr><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                           "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}"
                           "</td></tr>",
                           d.day, d.scanned, d.detections, d.complaints_sent,
                           d.complaints_deferred, d.complaints_failed, d.unresolved, d.replies,
                           names);
    }
    return out + "</table>";
}

std::string source_table(const Stats& stats)
{
    std::string out = "<h2>Each source after its complaint</h2>";
    if (stats.sources.empty())
        return out + "<p class=\"empty\">None yet.</p>";
    out += "<table><tr><th class=\"text\">source</th><th class=\"text\">network</th>"
           "<th class=\"text\">kind</th><th class=\"text\">from</th><th>before</th>"
           "<th>after</th><th>days to last</th><th class=\"text\">quiet</th></tr>";
    for (const auto& e : stats.sources)
        out += fmt::format("<tr><td class=\"text\">{}</td><td class=\"text\">{}</td>"
                           "<td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td>"
                           "<td>{}</td><td>{:.1f}</td><td class=\"text\">{}</td></tr>",
                           html_escape(e.source_ip), html_escape(e.network),
                           e.complained ? "complained" : "unresolved", utc_day(e.reference_ms),
                           e.before, e.after, e.days_to_last, to_string(e.quiet));
    return out + "</table>";
}

} // namespace

std::string html_escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
            // Control characters have no business in the page (a NUL or ESC from mail).
            if (c < 0x20 && c != '\t' && c != '\n')
                out += "\xEF\xBF\xBD";
            else
                out += static_cast<char>(c);
        }
    }
    return out;
}

std::string html_page(const Stats& stats)
{
    std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<title>fightback: did complaining help?</title><style>";
    page += css;
    page += "</style></head><body>\n<h1>Did complaining help?</h1>";
    std::int64_t scanned = 0, detections = 0;
    for (const auto& d : stats.days) {
        scanned += d.scanned;
        detections += d.detections;
    }
    page += fmt::format(
        "<p class=\"lead\">From the fightback ledger, as of {} (UTC). {} messages scanned, {} "
        "with a detection, {} complaints sent.</p>\n",
        utc_day(stats.now_ms), scanned, detections, stats.complaints_sent);
    page += fmt::format("<p class=\"share\">Sources that went quiet within {} days: "
                        "<strong>{}</strong> of those complained about ({} of {}), "
                        "<strong>{}</strong> of those nobody could be told about ({} of {}).</p>\n",
                        stats.quiet_days,
                        stats.complained.observed ? percent(stats.complained.share) : "-",
                        stats.complained.quiet, stats.complained.observed,
                        stats.unresolved.observed ? percent(stats.unresolved.share) : "-",
                        stats.unresolved.quiet, stats.unresolved.observed);
    page += per_day_chart(stats);
    page += active_chart(stats);
    page += replies_chart(stats);
    page += day_table(stats);
    page += group_table("Per network", stats.networks, true);
    page += group_table("Per registry", stats.registries, false);
    page += source_table(stats);
    page += "\n</body></html>\n";
    return page;
}

} // namespace fightback::stats
