// libclamav: one-time library set-up, loading and compiling the database, scanning from
// memory with every parser on. A zeroed cl_scan_options turns all parsers off (a mail would
// be matched as flat bytes and nothing inside an attachment found), so the flags are listed.
#include "fightback/scan/clamav_engine.hpp"

#include <mutex>
#include <string>
#include <vector>

#include <clamav.h>
#include <fmt/format.h>

namespace fightback::scan {
namespace {

// libclamav's log lines go to whoever is loading or scanning on this thread (a few of them
// make an error message useful); lines nobody asked for are dropped, so hostile mail cannot
// flood a cron log through ClamAV's warnings.
thread_local std::vector<std::string>* t_messages = nullptr;

void on_clamav_message(enum cl_msg severity, const char*, const char* msg, void*)
{
    if (!t_messages || severity < CL_MSG_WARN || t_messages->size() >= 5 || !msg)
        return;
    std::string line(msg);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    t_messages->push_back(std::move(line));
}

class MessageCapture {
public:
    MessageCapture() { t_messages = &m_lines; }
    ~MessageCapture() { t_messages = nullptr; }
    MessageCapture(const MessageCapture&) = delete;
    MessageCapture& operator=(const MessageCapture&) = delete;
    std::string joined() const
    {
        std::string out;
        for (const auto& l : m_lines)
            out += (out.empty() ? " (" : "; ") + l;
        return out.empty() ? out : out + ")";
    }

private:
    std::vector<std::string> m_lines;
};

Expected<void> init_library()
{
    static std::once_flag once;
    static cl_error_t status = CL_SUCCESS;
    std::call_once(once, [] {
        // Both must happen before any thread scans.
        cl_set_clcb_msg(on_clamav_message);
        status = cl_init(CL_INIT_DEFAULT);
    });
    if (status != CL_SUCCESS)
        return fail(ErrorKind::temporary, fmt::format("libclamav: cl_init failed: {}", cl_strerror(status)));
    return {};
}

struct FmapCloser {
    void operator()(cl_fmap_t* map) const { cl_fmap_close(map); }
};

ErrorKind kind_of(cl_error_t code)
{
    switch (code) {
    case CL_ETIMEOUT:
    case CL_EMAXREC:
    case CL_EMAXSIZE:
    case CL_EMAXFILES:
        return ErrorKind::limit;
    case CL_EFORMAT:
    case CL_EPARSE:
    case CL_EUNPACK:
        return ErrorKind::parse;
    default:
        // Memory, temporary files, I/O: the machine, not the message.
        return ErrorKind::temporary;
    }
}

constexpr std::uint32_t all_parsers =
    CL_SCAN_PARSE_ARCHIVE | CL_SCAN_PARSE_ELF | CL_SCAN_PARSE_PDF | CL_SCAN_PARSE_SWF |
    CL_SCAN_PARSE_HWP3 | CL_SCAN_PARSE_XMLDOCS | CL_SCAN_PARSE_MAIL | CL_SCAN_PARSE_OLE2 |
    CL_SCAN_PARSE_HTML | CL_SCAN_PARSE_PE | CL_SCAN_PARSE_ONENOTE | CL_SCAN_PARSE_IMAGE |
    CL_SCAN_PARSE_IMAGE_FUZZY_HASH;

} // namespace

void ClamEngineDeleter::operator()(cl_engine* engine) const
{
    if (engine)
        cl_engine_free(engine);
}

std::filesystem::path ClamavEngine::default_database()
{
    const char* dir = cl_retdbdir();
    return dir ? std::filesystem::path(dir) : std::filesystem::path("/var/lib/clamav");
}

Expected<std::unique_ptr<ClamavEngine>> ClamavEngine::load(const EngineSettings& settings)
{
    if (auto ok = init_library(); !ok)
        return std::unexpected(ok.error());
    std::unique_ptr<ClamavEngine> self(new ClamavEngine);
    self->m_database = settings.database.empty() ? default_database() : settings.database;
    std::error_code ec;
    if (!std::filesystem::exists(self->m_database, ec))
        return fail(ErrorKind::temporary,
                    fmt::format("ClamAV database {} does not exist", self->m_database.string()));

    MessageCapture log;
    self->m_engine.reset(cl_engine_new());
    if (!self->m_engine)
        return fail(ErrorKind::temporary, "libclamav: cannot allocate an engine");
    cl_engine* engine = self->m_engine.get();
    struct Limit {
        cl_engine_field field;
        std::optional<long long> value;
    };
    auto as_ll = [](const auto& v) -> std::optional<long long> {
        return v ? std::optional<long long>(static_cast<long long>(*v)) : std::nullopt;
    };
    for (const Limit& limit : {Limit{CL_ENGINE_MAX_FILESIZE, as_ll(settings.max_file_size)},
                               Limit{CL_ENGINE_MAX_SCANSIZE, as_ll(settings.max_scan_size)},
                               Limit{CL_ENGINE_MAX_SCANTIME, as_ll(settings.max_scan_time_ms)},
                               Limit{CL_ENGINE_MAX_RECURSION, as_ll(settings.max_recursion)},
                               Limit{CL_ENGINE_MAX_FILES, as_ll(settings.max_files)}}) {
        if (!limit.value)
            continue;
        if (cl_error_t rc = cl_engine_set_num(engine, limit.field, *limit.value); rc != CL_SUCCESS)
            return fail(ErrorKind::invalid, fmt::format("libclamav: cannot set a limit: {}", cl_strerror(rc)));
    }
    if (!settings.cache)
        cl_engine_set_num(engine, CL_ENGINE_DISABLE_CACHE, 1);
    if (settings.tmpdir) {
        if (cl_error_t rc = cl_engine_set_str(engine, CL_ENGINE_TMPDIR, settings.tmpdir->c_str());
            rc != CL_SUCCESS)
            return fail(ErrorKind::invalid,
                        fmt::format("libclamav: cannot use {}: {}", settings.tmpdir->string(), cl_strerror(rc)));
    }
    if (cl_error_t rc = cl_load(self->m_database.c_str(), engine, &self->m_signatures, CL_DB_STDOPT);
        rc != CL_SUCCESS)
        return fail(ErrorKind::temporary,
                    fmt::format("cannot load the ClamAV database {}: {}{}", self->m_database.string(),
                                cl_strerror(rc), log.joined()));
    if (self->m_signatures == 0)
        return fail(ErrorKind::temporary,
                    fmt::format("no signatures in {}", self->m_database.string()));
    if (cl_error_t rc = cl_engine_compile(engine); rc != CL_SUCCESS)
        return fail(ErrorKind::temporary, fmt::format("cannot compile the ClamAV database {}: {}{}",
                                                      self->m_database.string(), cl_strerror(rc),
                                                      log.joined()));
    self->m_general = settings.heuristics ? CL_SCAN_GENERAL_HEURISTICS : 0;
    return self;
}

Expected<std::optional<Detection>> ClamavEngine::scan(std::string_view data,
                                                      std::string_view label) const
{
    if (data.empty())
        return std::optional<Detection>{};
    std::unique_ptr<cl_fmap_t, FmapCloser> map(cl_fmap_open_memory(data.data(), data.size()));
    if (!map)
        return fail(ErrorKind::temporary, "libclamav: cannot map the message for scanning");
    // libclamav takes the options by non-const pointer: each scan gets its own copy.
    cl_scan_options options{};
    options.general = m_general;
    options.parse = all_parsers;
    const std::string name(label);
    const char* virname = nullptr;
    unsigned long scanned = 0;
    MessageCapture log;
    const cl_error_t rc = cl_scanmap_callback(map.get(), name.c_str(), &virname, &scanned,
                                              m_engine.get(), &options, nullptr);
    if (rc == CL_CLEAN)
        return std::optional<Detection>{};
    if (rc == CL_VIRUS)
        return std::optional<Detection>{detection_from_name(virname ? virname : "unnamed")};
    return fail(kind_of(rc), fmt::format("libclamav: {}{}", cl_strerror(rc), log.joined()));
}

std::string ClamavEngine::description() const
{
    return fmt::format("libclamav {}, {} signatures from {}", cl_retver(), m_signatures,
                       m_database.string());
}

} // namespace fightback::scan
