// The progress line and log lines of `fightback scan`.
#include "progress.hpp"

#include <string>

#include <fmt/format.h>
#include <unistd.h>

namespace fightback::app {

Progress::Progress(std::FILE* out, std::size_t total)
    : m_out(out), m_total(total), m_terminal(::isatty(::fileno(out)) == 1),
      m_start(std::chrono::steady_clock::now()), m_last_draw(m_start)
{
}

Progress::~Progress()
{
    finish();
}

double Progress::elapsed_seconds() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void Progress::step(std::size_t done)
{
    m_done = done;
    if (!m_terminal)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && done < m_total && now - m_last_draw < std::chrono::milliseconds(100))
        return;
    m_last_draw = now;
    draw();
}

void Progress::draw()
{
    constexpr int width = 30;
    const double fraction = m_total ? static_cast<double>(m_done) / static_cast<double>(m_total) : 1.0;
    const int filled = static_cast<int>(fraction * width);
    const double seconds = elapsed_seconds();
    const double rate = seconds > 0 ? static_cast<double>(m_done) / seconds : 0.0;
    std::string left = "--:--";
    if (rate > 0) {
        const auto remaining = static_cast<long>(static_cast<double>(m_total - m_done) / rate);
        left = fmt::format("{}:{:02}", remaining / 60, remaining % 60);
    }
    const std::string line =
        fmt::format("\r[{}{}] {}/{} {:3.0f}% {:.0f} msg/s, {} left ", std::string(filled, '#'),
                    std::string(width - filled, '.'), m_done, m_total, fraction * 100, rate, left);
    std::fputs(line.c_str(), m_out);
    std::fflush(m_out);
    m_drawn = true;
}

void Progress::clear()
{
    if (m_drawn) {
        std::fputs("\r\033[K", m_out);
        m_drawn = false;
    }
}

void Progress::log(std::string_view line)
{
    clear();
    std::fprintf(m_out, "fightback: %.*s\n", static_cast<int>(line.size()), line.data());
    if (m_terminal)
        draw();
}

void Progress::finish()
{
    if (m_terminal && m_drawn) {
        draw();
        std::fputc('\n', m_out);
        m_drawn = false;
    }
    std::fflush(m_out);
}

} // namespace fightback::app
