// The MIME leaves of a message, decoded, each with a label a person can find it by
// ("part 2 'patch.exe' (application/x-msdownload)"), and whether a message is HTML-only.
// Numbering follows IMAP: the body of a single-part message is "1", children of a multipart
// "1", "2", ..., nested ones "2.1", and the parts of an attached message "3.1", "3.2".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <gmime/gmime.h>

namespace fightback::scan {

struct MimeLeaf {
    std::string number;       // "2.1"
    std::string content_type; // "application/x-msdownload"
    std::string filename;     // as the part names itself (printable), may be empty
    std::string data;         // transfer encoding (base64, quoted-printable, uuencode) undone

    std::string label() const;
};

// At most `max_parts` leaves, depth-first in message order; nesting deeper than 32 is not
// followed.
std::vector<MimeLeaf> decoded_leaves(GMimeMessage* message, std::size_t max_parts = 64);

// HTML mail with no plain-text alternative: some text/html part and no text/plain body part
// (text/plain attachments do not count). What the 2003 procmail rule filed aside.
bool is_html_only(GMimeMessage* message);

} // namespace fightback::scan
