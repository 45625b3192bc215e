// E-mail addresses in an RDAP entity's jCard (RFC 7095, as RFC 9083 uses it): the `email`
// properties, with what makes one preferable: a `type` parameter naming "abuse", and `pref`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fightback::abuse {

struct JcardEmail {
    std::string value;    // as published, not yet validated
    bool typed_abuse = false;
    std::optional<int> pref; // 1 (most preferred) .. 100
};

// Emails from a `vcardArray` value, best first: typed "abuse", then by pref, then in
// document order. Malformed properties are skipped; at most `limit` are read.
std::vector<JcardEmail> jcard_emails(const nlohmann::json& vcard_array, std::size_t limit = 16);

// The `fn` (formatted name), if any.
std::optional<std::string> jcard_name(const nlohmann::json& vcard_array);

} // namespace fightback::abuse
