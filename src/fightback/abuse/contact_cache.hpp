// Registry answers kept in the ledger, keyed by the range the registry returned, until they
// expire: one RDAP answer for a /16 serves every address in it for a week.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "fightback/abuse/registry_answer.hpp"
#include "fightback/ledger/ledger.hpp"

namespace fightback::abuse {

class ContactCache {
public:
    explicit ContactCache(const ledger::Ledger& ledger) : m_ledger(ledger) {}

    // The most specific unexpired answer whose range holds `ip`.
    std::optional<RegistryAnswer> find(const net::IpAddress& ip, std::int64_t now) const;
    // Answers without a range are not stored.
    Expected<void> store(const RegistryAnswer& answer, std::int64_t now,
                         std::chrono::seconds ttl) const;
    // Removes expired rows; returns how many.
    Expected<int> purge(std::int64_t now) const;

private:
    const ledger::Ledger& m_ledger;
};

} // namespace fightback::abuse
