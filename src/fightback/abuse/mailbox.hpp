// Mail addresses that registries and DNS zones publish, made comparable and checked before
// anything is sent to them: `mailto:` and angle brackets dropped, the domain lower-cased and
// its trailing dots removed, and the syntax held to what a complaint can safely go to (a
// dot-atom local part, a host name of LDH labels). Placeholders are refused with a reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fightback/abuse/registry.hpp"
#include "fightback/util/error.hpp"

namespace fightback::abuse {

// The normalised address, or why it cannot be used (never an address with CR/LF in it).
Expected<std::string> normalize_mailbox(std::string_view raw);

// The key duplicates merge on: the whole address lower-cased.
std::string mailbox_key(std::string_view normalized);

std::string_view mailbox_domain(std::string_view normalized);

// Address-like words in free text (a remark), in order, unvalidated; at most `limit`.
std::vector<std::string> mailboxes_in_text(std::string_view text, std::size_t limit = 8);

// Why `normalized` must never receive a complaint, or nothing when it may. `answered_by` is
// the registry whose data named it and `space_holder` the registry named as the holder of the
// range (RegistryId::unknown when the holder is not a registry): a registry's own mailbox is
// acceptable only for space that registry holds itself and answers for.
std::optional<std::string> placeholder_reason(std::string_view normalized, RegistryId answered_by,
                                              RegistryId space_holder);

} // namespace fightback::abuse
