// A folder on a full filesystem: delivery and moves fail with a clear, temporary error and
// nothing is lost or left half-written; moves across filesystems copy and keep names.
#include <fstream>

#include <gtest/gtest.h>

#include "fightback/mail/maildir.hpp"
#include "support/temp_dir.hpp"
#include "tiny_filesystem.hpp"

using namespace fightback;
using namespace fightback::mail;

namespace {

std::size_t count_files(const std::filesystem::path& dir)
{
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); ++it)
        ++n;
    return n;
}

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

class FullDisk : public testing::Test {
protected:
    void SetUp() override
    {
        if (!tiny.mounted())
            GTEST_SKIP() << tiny.why();
        full = tiny.path() / "Maildir";
        ASSERT_TRUE(ensure_maildir(full));
    }
    test_scan::TinyFilesystem tiny;
    test_support::TempDir disk;
    std::filesystem::path full;
    const std::string big = std::string(100 * 1024, 'x');
};

TEST_F(FullDisk, DeliveryFailsTemporarilyAndLeavesNothing)
{
    auto r = deliver(full, "Subject: big\n\n" + big);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary) << r.error().message;
    EXPECT_NE(r.error().message.find("No space left"), std::string::npos) << r.error().message;
    EXPECT_EQ(count_files(full / "tmp"), 0u);
    EXPECT_EQ(count_files(full / "new"), 0u);
    // Small mail still fits.
    EXPECT_TRUE(deliver(full, "Subject: small\n\nok\n"));
}

TEST_F(FullDisk, MoveIntoAFullFolderKeepsTheSource)
{
    const auto source = disk / "Maildir" / "cur" / "1700000000.M1P2Q3.host:2,S";
    ASSERT_TRUE(ensure_maildir(disk / "Maildir"));
    std::ofstream(source, std::ios::binary) << "Subject: evidence\n\n" << big;
    auto r = move_message(source, full / ".Complained");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::temporary) << r.error().message;
    EXPECT_TRUE(std::filesystem::exists(source));
    EXPECT_EQ(std::filesystem::file_size(source), 19 + big.size());
    EXPECT_EQ(count_files(full / ".Complained" / "tmp"), 0u);
    EXPECT_EQ(count_files(full / ".Complained" / "cur"), 0u);
}

TEST_F(FullDisk, MovesAcrossFilesystemsCopyAndKeepTheName)
{
    auto delivered = deliver(full, "Subject: small\n\nok\n", Subdir::cur);
    ASSERT_TRUE(delivered);
    const auto flagged = delivered->parent_path() / (delivered->filename().string() + "RS");
    std::filesystem::rename(*delivered, flagged);
    auto r = move_message(flagged, disk / "Maildir" / ".Complained");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->copied);
    EXPECT_EQ(r->destination.filename(), flagged.filename());
    EXPECT_EQ(r->destination.parent_path().filename(), "cur");
    EXPECT_EQ(slurp(r->destination), "Subject: small\n\nok\n");
    EXPECT_FALSE(std::filesystem::exists(flagged));
    EXPECT_EQ(count_files(disk / "Maildir" / ".Complained" / "tmp"), 0u);

    // And back the other way, then a delivery committed across filesystems.
    auto back = move_message(r->destination, full / ".Review");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->copied);
    auto pending = PendingDelivery::create(full);
    ASSERT_TRUE(pending);
    ASSERT_TRUE(pending->write("Subject: across\n\n"));
    auto committed = pending->commit(disk / "Maildir");
    ASSERT_TRUE(committed) << committed.error().message;
    EXPECT_EQ(committed->parent_path(), disk / "Maildir" / "new");
    EXPECT_EQ(count_files(full / "tmp"), 0u);
}

TEST_F(FullDisk, InterruptedCrossDeviceMoveIsFinishedNotDuplicated)
{
    auto delivered = deliver(full, "Subject: once\n\n", Subdir::cur);
    ASSERT_TRUE(delivered);
    // The state a crash between "rename into place" and "unlink the source" leaves.
    const auto dest = disk / "Maildir" / ".Complained";
    ASSERT_TRUE(ensure_maildir(dest));
    std::filesystem::copy_file(*delivered, dest / "cur" / delivered->filename());
    auto r = move_message(*delivered, dest);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->completed);
    EXPECT_FALSE(std::filesystem::exists(*delivered));
    EXPECT_EQ(count_files(dest / "cur"), 1u);
}

} // namespace
