// Names of delivery outcomes, as the ledger and `outbox list` show them.
#include "fightback/send/transport.hpp"

namespace fightback::send {

std::string_view status_name(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::sent: return "sent";
    case DeliveryStatus::deferred: return "deferred";
    case DeliveryStatus::failed: return "failed";
    }
    return "deferred";
}

} // namespace fightback::send
