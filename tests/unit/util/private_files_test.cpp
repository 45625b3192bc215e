// Private folders and files: exact modes under any umask, existing folders left alone, an
// existing file narrowed.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "fightback/util/private_files.hpp"
#include "support/temp_dir.hpp"

namespace fightback {
namespace {

unsigned mode_of(const std::filesystem::path& p)
{
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

TEST(PrivateFiles, ExactModesWhateverTheUmask)
{
    test_support::TempDir dir("fightback-private");
    ::chmod(dir.path().c_str(), 0755);
    for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
        const auto base = dir / ("m" + std::to_string(mask));
        const mode_t old = ::umask(mask);
        auto made = make_private_folders(base / "a" / "b");
        auto written = write_private_file(base / "a" / "b" / "file", "bytes");
        ::umask(old);
        ASSERT_TRUE(made) << made.error().message;
        ASSERT_TRUE(written) << written.error().message;
        EXPECT_EQ(mode_of(base), 0700u);
        EXPECT_EQ(mode_of(base / "a" / "b"), 0700u);
        EXPECT_EQ(mode_of(base / "a" / "b" / "file"), 0600u);
    }
    EXPECT_EQ(mode_of(dir.path()), 0755u); // a folder that was there stays as it is
}

TEST(PrivateFiles, AnExistingFileIsNarrowedAndReplaced)
{
    test_support::TempDir dir("fightback-private");
    const auto file = dir / "ipv4.json.new";
    std::ofstream(file) << "old and longer";
    ::chmod(file.c_str(), 0644);
    ASSERT_TRUE(write_private_file(file, "new"));
    EXPECT_EQ(mode_of(file), 0600u);
    std::ifstream in(file);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "new");
    EXPECT_FALSE(make_private_folders(file / "below")); // a file is in the way
}

} // namespace
} // namespace fightback
