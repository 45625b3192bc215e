// libpsl glue. libpsl's own psl_registrable_domain() counts private-section suffixes too, so the
// registrable domain is found here: the longest suffix of the name that the ICANN section (with
// the implicit `*` rule) calls public, plus one label.
#include "fightback/dns/public_suffix.hpp"

#include <libpsl.h>

#include <fmt/format.h>

#include "fightback/dns/name.hpp"

namespace fightback::dns {

void PublicSuffixList::Deleter::operator()(psl_ctx_st* ctx) const
{
    if (owned)
        psl_free(ctx);
}

PublicSuffixList::PublicSuffixList(std::unique_ptr<psl_ctx_st, Deleter> ctx, std::string source)
    : m_ctx(std::move(ctx)), m_source(std::move(source))
{
}

Expected<PublicSuffixList> PublicSuffixList::load_default()
{
    // psl_latest() picks the distribution's file when it is newer than the built-in list.
    if (psl_ctx_t* latest = psl_latest(nullptr)) {
        const char* dist = psl_dist_filename();
        return PublicSuffixList(std::unique_ptr<psl_ctx_st, Deleter>(latest, Deleter{true}),
                                fmt::format("libpsl (newest of built-in and {})",
                                            dist && *dist ? dist : "none"));
    }
    // The built-in context is static inside libpsl and must not be freed.
    if (const psl_ctx_t* builtin = psl_builtin())
        return PublicSuffixList(
            std::unique_ptr<psl_ctx_st, Deleter>(const_cast<psl_ctx_t*>(builtin), Deleter{false}),
            "libpsl built-in list");
    return fail(ErrorKind::io, "no Public Suffix List: libpsl has no built-in list and the "
                               "distribution's file is missing (install `publicsuffix`)");
}

Expected<PublicSuffixList> PublicSuffixList::load_file(const std::filesystem::path& path)
{
    psl_ctx_t* ctx = psl_load_file(path.c_str());
    if (!ctx)
        return fail(ErrorKind::io,
                    fmt::format("{}: cannot read it as a Public Suffix List", path.string()));
    return PublicSuffixList(std::unique_ptr<psl_ctx_st, Deleter>(ctx, Deleter{true}),
                            path.string());
}

bool PublicSuffixList::is_public_suffix(std::string_view name) const
{
    const std::string text(name);
    return psl_is_public_suffix2(m_ctx.get(), text.c_str(), PSL_TYPE_ICANN) != 0;
}

std::optional<std::string> PublicSuffixList::registrable_domain(std::string_view name) const
{
    if (name.empty() || is_public_suffix(name))
        return std::nullopt;
    // Up from the whole name: the first name whose parent is public is the registrable one.
    std::string_view candidate = name;
    while (auto parent = parent_name(candidate)) {
        if (is_public_suffix(*parent))
            return std::string(candidate);
        candidate = *parent;
    }
    return std::nullopt; // only without the `*` rule: no label of the name is public
}

} // namespace fightback::dns
