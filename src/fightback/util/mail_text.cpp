// Printing a MailText (tests and logs): the text, which is clean by construction.
#include "fightback/util/mail_text.hpp"

#include <ostream>

namespace fightback {

std::ostream& operator<<(std::ostream& out, const MailText& text)
{
    return out << text.view();
}

} // namespace fightback
