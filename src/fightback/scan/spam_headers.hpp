// Reading the verdict an upstream spam filter left in a header: a yes/no flag, a score and
// the threshold, in the shapes SpamAssassin and rspamd write them.
//   X-Spam-Flag: YES                          X-Spam: Yes
//   X-Spam-Status: Yes, score=7.3 required=5.0 tests=...   (older: hits=7.3)
//   X-Spam-Score: 7.3                         X-Spam-Level: *******
//   X-Spamd-Result: default: True [12.40 / 15.00]; SYMBOL(1.0)...
//   X-Spamd-Bar: ++++++
#pragma once

#include <optional>
#include <string_view>

namespace fightback::scan {

struct SpamReading {
    std::optional<bool> flag;
    std::optional<double> score;
    std::optional<double> required;
};

// Whatever the value tells; fields it does not tell stay empty. Never throws, any input.
SpamReading read_spam_header(std::string_view value);

} // namespace fightback::scan
