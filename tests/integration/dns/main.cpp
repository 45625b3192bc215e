// The DNS integration tests' main: one unbound world for the whole binary, started before the
// first test and stopped after the last. The binary is meant to run inside `unshare -n` (see
// run_isolated.sh), where only loopback exists.
#include <gtest/gtest.h>

#include <cstdio>
#include <exception>

#include "unbound_world.hpp"

namespace {

class WorldEnvironment : public ::testing::Environment {
public:
    void SetUp() override
    {
        try {
            m_world = fightback::test_dns::UnboundWorld::start(FIGHTBACK_DNS_ZONES);
            fightback::test_dns::set_world(m_world.get());
        } catch (const std::exception& e) {
            FAIL() << "cannot start the DNS test world: " << e.what();
        }
    }
    void TearDown() override
    {
        fightback::test_dns::set_world(nullptr);
        m_world.reset();
    }

private:
    std::unique_ptr<fightback::test_dns::UnboundWorld> m_world;
};

} // namespace

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new WorldEnvironment);
    return RUN_ALL_TESTS();
}
