// The registrable domain of a name, from the Public Suffix List (libpsl, with the list Debian's
// `publicsuffix` package ships): the name a registrant owns, below which the walk for a mail
// domain may go and above which it must never go (`co.uk`, `net`).
//
// Only the ICANN section counts. The private section lists domains whose owners hand out
// subdomains (cloud hosts, dynamic DNS): for a complaint about a host there, the answer is the
// provider's domain, not the customer label (`ec2-...compute-1.amazonaws.com` -> amazonaws.com).
// Names under a top-level domain the list does not know count as having a one-label suffix
// (the list's implicit `*` rule), so `mail.example.test` -> `example.test`.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fightback/util/error.hpp"

struct psl_ctx_st;

namespace fightback::dns {

class PublicSuffixList {
public:
    // The newest of libpsl's built-in list and the distribution's file.
    static Expected<PublicSuffixList> load_default();
    // A list in the publicsuffix.org text format (tests, or a fresher download).
    static Expected<PublicSuffixList> load_file(const std::filesystem::path& path);

    // `name` lowercase, no trailing dot.
    bool is_public_suffix(std::string_view name) const;
    // Nothing when the name is itself a public suffix.
    std::optional<std::string> registrable_domain(std::string_view name) const;

    // Where the list came from, for --explain.
    const std::string& source() const { return m_source; }

private:
    struct Deleter {
        bool owned = true;
        void operator()(psl_ctx_st* ctx) const;
    };
    PublicSuffixList(std::unique_ptr<psl_ctx_st, Deleter> ctx, std::string source);

    std::unique_ptr<psl_ctx_st, Deleter> m_ctx;
    std::string m_source;
};

} // namespace fightback::dns
