// A mail message as fightback sees it: the bytes as received, the header fields in order
// (raw and unfolded; RFC 2047-decoded on request), the MIME structure (GMime) when asked for,
// and warnings about anything malformed. Hostile input yields warnings and a partial message,
// never a crash.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/mail/gmime_handle.hpp"
#include "fightback/util/error.hpp"

namespace fightback::mail {

struct HeaderField {
    std::string name;
    std::string raw;      // the value as received, folding kept, without the trailing newline
    std::string unfolded; // folding removed, otherwise as received
};

struct LoadLimits {
    std::size_t max_message_bytes = 64u << 20; // larger input is an error: nothing is half-read
    std::size_t max_header_fields = 10000;     // fields past this are dropped with a warning
    bool headers_only = false;                 // skip the MIME parse (trace needs no body)
};

// RFC 2047 encoded words to UTF-8 (GMime's decoder); text without them comes back unchanged.
std::string decode_header_text(std::string_view unfolded);

class Message {
public:
    static Expected<Message> from_bytes(std::string bytes, const LoadLimits& limits = {});
    static Expected<Message> load_file(const std::filesystem::path& path,
                                       const LoadLimits& limits = {});
    // Reads standard input to the end (bounded by the limit).
    static Expected<Message> load_stdin(const LoadLimits& limits = {});

    const std::vector<HeaderField>& headers() const { return m_headers; }
    // All fields with this name (case-insensitive), in order, top first.
    std::vector<const HeaderField*> fields(std::string_view name) const;
    // The first field with this name, unfolded and RFC 2047-decoded.
    std::optional<std::string> header(std::string_view name) const;

    // The header block exactly as received (up to, not including, the empty line).
    std::string_view header_block() const;
    const std::string& bytes() const { return m_bytes; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    // The MIME structure; null when loaded with headers_only or when GMime gave up.
    GMimeMessage* mime() const { return m_mime.get(); }

private:
    void split_header(std::size_t max_fields);

    std::string m_bytes;
    std::size_t m_header_start = 0; // after an mbox "From " line, if any
    std::size_t m_header_end = 0;
    std::vector<HeaderField> m_headers;
    std::vector<std::string> m_warnings;
    GObjectPtr<GMimeMessage> m_mime;
};

} // namespace fightback::mail
