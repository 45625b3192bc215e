// Maildir delivery: write into tmp/ under a fresh unique name, fsync, then give the file its
// final name in new/ (or cur/) without ever replacing one, and fsync that directory. Only
// then is the message delivered; until then a crash leaves at most a stray tmp/ file.
#include <cerrno>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/mail/maildir_io.hpp"

namespace fightback::mail {
namespace {

std::filesystem::path final_path(const std::filesystem::path& dest, const std::string& unique,
                                 Subdir subdir)
{
    return subdir == Subdir::cur ? dest / "cur" / (unique + ":2,") : dest / "new" / unique;
}

} // namespace

Expected<PendingDelivery> PendingDelivery::create(const std::filesystem::path& folder)
{
    if (auto made = ensure_maildir(folder); !made)
        return std::unexpected(made.error());
    PendingDelivery pending;
    pending.m_folder = folder;
    // A name already taken in tmp/ means a clash of clock and pid; a new name fixes it.
    for (int attempt = 0; attempt < 5; ++attempt) {
        pending.m_unique = make_unique_name();
        pending.m_tmp_path = folder / "tmp" / pending.m_unique;
        pending.m_fd.reset(::open(pending.m_tmp_path.c_str(),
                                  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
        if (pending.m_fd)
            return pending;
        if (errno != EEXIST)
            return std::unexpected(errno_error("cannot create", pending.m_tmp_path, errno));
    }
    return fail(ErrorKind::temporary,
                fmt::format("no free unique name in {}", (folder / "tmp").string()));
}

PendingDelivery::PendingDelivery(PendingDelivery&& other) noexcept
    : m_folder(std::move(other.m_folder)), m_tmp_path(std::move(other.m_tmp_path)),
      m_unique(std::move(other.m_unique)), m_fd(std::move(other.m_fd)),
      m_committed(std::exchange(other.m_committed, true))
{
}

PendingDelivery::~PendingDelivery()
{
    if (!m_committed && !m_tmp_path.empty()) {
        m_fd.reset();
        ::unlink(m_tmp_path.c_str());
    }
}

Expected<void> PendingDelivery::write(std::string_view data)
{
    if (!m_fd)
        return fail(ErrorKind::invalid, "write after finish");
    return write_all(m_fd.get(), data, m_tmp_path);
}

Expected<void> PendingDelivery::finish()
{
    if (!m_fd)
        return {};
    if (::fsync(m_fd.get()) != 0)
        return std::unexpected(errno_error("cannot fsync", m_tmp_path, errno));
    return m_fd.close(m_tmp_path.string());
}

Expected<std::filesystem::path> PendingDelivery::commit(const std::filesystem::path& dest,
                                                        Subdir subdir)
{
    if (m_committed)
        return fail(ErrorKind::invalid, "delivery committed twice");
    if (m_fd)
        if (auto done = finish(); !done)
            return std::unexpected(done.error());
    if (auto made = ensure_maildir(dest); !made)
        return std::unexpected(made.error());

    auto target = final_path(dest, m_unique, subdir);
    bool cross_device = false;
    auto placed = detail::place_noreplace(m_tmp_path, target, &cross_device);
    if (!placed && cross_device) {
        // Another filesystem: a durable copy in its tmp/ first, then the same final step.
        auto copy = detail::copy_into(m_tmp_path, dest / "tmp");
        if (!copy)
            return std::unexpected(copy.error());
        placed = detail::place_noreplace(*copy, target, nullptr);
        if (!placed || *placed != detail::Placed::done)
            ::unlink(copy->c_str());
        if (placed && *placed == detail::Placed::done)
            ::unlink(m_tmp_path.c_str());
    }
    if (!placed)
        return std::unexpected(placed.error());
    if (*placed == detail::Placed::name_taken)
        return fail(ErrorKind::temporary,
                    fmt::format("{} already exists; not replaced", target.string()));
    m_committed = true;
    if (auto synced = fsync_directory(target.parent_path()); !synced)
        return std::unexpected(synced.error());
    return target;
}

Expected<std::filesystem::path> deliver(const std::filesystem::path& folder,
                                        std::string_view bytes, Subdir subdir)
{
    auto pending = PendingDelivery::create(folder);
    if (!pending)
        return std::unexpected(pending.error());
    if (auto written = pending->write(bytes); !written)
        return std::unexpected(written.error());
    return pending->commit(folder, subdir);
}

} // namespace fightback::mail
