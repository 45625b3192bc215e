// Progress of a scan: on a terminal one line (a bar, done/total, rate, time left) redrawn in
// place with \r at most every tenth of a second; otherwise nothing but the log lines the
// caller prints (cron mails what a run printed).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string_view>

namespace fightback::app {

class Progress {
public:
    Progress(std::FILE* out, std::size_t total);
    ~Progress();
    bool on_terminal() const { return m_terminal; }
    void step(std::size_t done);
    // A log line: above the bar on a terminal, plain otherwise.
    void log(std::string_view line);
    void finish();
    double elapsed_seconds() const;

private:
    void draw();
    void clear();

    std::FILE* m_out;
    std::size_t m_total;
    std::size_t m_done = 0;
    bool m_terminal;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_draw;
};

} // namespace fightback::app
