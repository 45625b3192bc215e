// Maildir: names and flags, folders made on demand (Maildir++), tmp-then-new delivery, and
// moves that keep names, never replace, finish an interrupted copy, and report vanished files.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "fightback/mail/maildir.hpp"
#include "support/as_nobody.hpp"
#include "support/temp_dir.hpp"

using namespace fightback;
using namespace fightback::mail;
using test_support::TempDir;

namespace {

std::string slurp(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::filesystem::path& p, const std::string& text)
{
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

std::size_t count_files(const std::filesystem::path& dir)
{
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); ++it)
        ++n;
    return n;
}

TEST(MaildirName, UniqueAndFlags)
{
    auto n = parse_maildir_name("1700000000.M12P34Q1.host:2,RS");
    EXPECT_EQ(n.unique, "1700000000.M12P34Q1.host");
    EXPECT_EQ(n.info, "2,RS");
    EXPECT_EQ(n.flags, "RS");
    auto bare = parse_maildir_name("1700000000.M12P34Q1.host");
    EXPECT_EQ(bare.unique, "1700000000.M12P34Q1.host");
    EXPECT_TRUE(bare.info.empty());
    auto v1 = parse_maildir_name("x:1,experimental");
    EXPECT_EQ(v1.info, "1,experimental");
    EXPECT_TRUE(v1.flags.empty());
}

TEST(MaildirName, FreshNamesAreUniqueAcrossThreads)
{
    std::mutex m;
    std::set<std::string> names;
    std::vector<std::jthread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                auto n = make_unique_name();
                std::lock_guard lock(m);
                names.insert(n);
            }
        });
    threads.clear();
    EXPECT_EQ(names.size(), 2000u);
    auto one = *names.begin();
    EXPECT_EQ(one.find('/'), std::string::npos);
    EXPECT_EQ(one.find(':'), std::string::npos);
    EXPECT_NE(one.find(".M"), std::string::npos);
    EXPECT_NE(one.find("P" + std::to_string(::getpid()) + "Q"), std::string::npos);
}

TEST(MaildirFolders, ResolveNames)
{
    const std::filesystem::path root = "/home/u/Maildir";
    EXPECT_EQ(resolve_folder(root, ".Complained"), root / ".Complained");
    EXPECT_EQ(resolve_folder(root, ".Worms.Review"), root / ".Worms.Review");
    EXPECT_EQ(resolve_folder(root, "/srv/mail/evidence/"), std::filesystem::path("/srv/mail/evidence"));
    EXPECT_FALSE(resolve_folder(root, ""));
    EXPECT_FALSE(resolve_folder(root, "../other"));
    EXPECT_FALSE(resolve_folder(root, ".Review/../../x"));
    EXPECT_EQ(resolve_folder(root, "."), root) << "the root itself: the inbox";
    const char* home = std::getenv("HOME");
    const std::string saved = home ? home : "";
    ::setenv("HOME", "/home/u", 1);
    EXPECT_EQ(resolve_folder(root, "~/Other"), std::filesystem::path("/home/u/Other"));
    if (home)
        ::setenv("HOME", saved.c_str(), 1);
    else
        ::unsetenv("HOME");
}

TEST(MaildirFolders, RootOfASubfolder)
{
    TempDir dir;
    const auto root = dir / "Maildir";
    ASSERT_TRUE(ensure_maildir(root));
    ASSERT_TRUE(ensure_maildir(root / ".HTML"));
    EXPECT_EQ(maildir_root(root / ".HTML"), root);
    EXPECT_EQ(maildir_root(root / ".HTML/"), root);
    EXPECT_EQ(maildir_root(root), root);
    EXPECT_EQ(maildir_root(dir / ".notmaildir"), dir / ".notmaildir");
}

TEST(MaildirFolders, MadeOnDemandWithMaildirfolderMarker)
{
    TempDir dir;
    const auto root = dir / "Maildir";
    ASSERT_TRUE(ensure_maildir(root));
    for (const char* sub : {"tmp", "new", "cur"})
        EXPECT_TRUE(std::filesystem::is_directory(root / sub));
    EXPECT_FALSE(std::filesystem::exists(root / "maildirfolder"));
    ASSERT_TRUE(ensure_maildir(root / ".Quarantine"));
    EXPECT_TRUE(std::filesystem::exists(root / ".Quarantine" / "maildirfolder"));
    EXPECT_TRUE(ensure_maildir(root / ".Quarantine")) << "a second time is fine";
    struct stat st {};
    ASSERT_EQ(::stat((root / ".Quarantine" / "new").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    spit(dir / "file", "x");
    auto blocked = ensure_maildir(dir / "file");
    ASSERT_FALSE(blocked);
}

TEST(MaildirDelivery, TmpThenNew)
{
    TempDir dir;
    const auto root = dir / "Maildir";
    auto path = deliver(root, "Subject: hi\n\nbody\n");
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(path->parent_path(), root / "new");
    EXPECT_EQ(slurp(*path), "Subject: hi\n\nbody\n");
    EXPECT_EQ(count_files(root / "tmp"), 0u);
    auto listed = list_maildir(root);
    ASSERT_TRUE(listed);
    EXPECT_EQ(listed->size(), 1u);

    auto seen = deliver(root, "x\n", Subdir::cur);
    ASSERT_TRUE(seen);
    EXPECT_EQ(seen->parent_path(), root / "cur");
    EXPECT_TRUE(seen->filename().string().ends_with(":2,"));
}

TEST(MaildirDelivery, AbandonedDeliveryLeavesNothing)
{
    TempDir dir;
    const auto root = dir / "Maildir";
    {
        auto pending = PendingDelivery::create(root);
        ASSERT_TRUE(pending);
        ASSERT_TRUE(pending->write("partial"));
        EXPECT_EQ(count_files(root / "tmp"), 1u);
    }
    EXPECT_EQ(count_files(root / "tmp"), 0u);
    EXPECT_EQ(count_files(root / "new"), 0u);
}

TEST(MaildirDelivery, CommitIntoAnotherFolder)
{
    TempDir dir;
    const auto root = dir / "Maildir";
    auto pending = PendingDelivery::create(root);
    ASSERT_TRUE(pending);
    ASSERT_TRUE(pending->write("From: a\n\n"));
    ASSERT_TRUE(pending->write("streamed\n"));
    auto path = pending->commit(root / ".HTML");
    ASSERT_TRUE(path) << path.error().message;
    EXPECT_EQ(path->parent_path(), root / ".HTML" / "new");
    EXPECT_EQ(path->filename().string(), pending->unique());
    EXPECT_EQ(slurp(*path), "From: a\n\nstreamed\n");
    EXPECT_TRUE(std::filesystem::exists(root / ".HTML" / "maildirfolder"));
    EXPECT_EQ(count_files(root / "tmp"), 0u);
    EXPECT_FALSE(pending->commit(root)) << "committed twice";
}

class MaildirMove : public testing::Test {
protected:
    void SetUp() override
    {
        root = dir / "Maildir";
        ASSERT_TRUE(ensure_maildir(root));
    }
    TempDir dir;
    std::filesystem::path root;
};

TEST_F(MaildirMove, KeepsNameFlagsAndSubdirectory)
{
    const auto seen = root / "cur" / "1700000000.M1P2Q3.host:2,S";
    const auto unseen = root / "new" / "1700000001.M1P2Q3.host";
    spit(seen, "seen\n");
    spit(unseen, "unseen\n");
    auto a = move_message(seen, root / ".Complained");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->destination, root / ".Complained" / "cur" / "1700000000.M1P2Q3.host:2,S");
    EXPECT_FALSE(a->copied);
    EXPECT_FALSE(std::filesystem::exists(seen));
    EXPECT_EQ(slurp(a->destination), "seen\n");
    auto b = move_message(unseen, root / ".Complained");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->destination, root / ".Complained" / "new" / "1700000001.M1P2Q3.host");
    // Moving it where it already is changes nothing.
    auto again = move_message(b->destination, root / ".Complained");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->destination, b->destination);
    EXPECT_TRUE(std::filesystem::exists(b->destination));
}

TEST_F(MaildirMove, NeverReplacesADifferentMessage)
{
    const auto name = "1700000000.M1P2Q3.host:2,S";
    spit(root / "cur" / name, "mine\n");
    spit(root / ".Review" / "cur" / name, "someone else's\n");
    ASSERT_TRUE(ensure_maildir(root / ".Review"));
    auto r = move_message(root / "cur" / name, root / ".Review");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid);
    EXPECT_EQ(slurp(root / "cur" / name), "mine\n");
    EXPECT_EQ(slurp(root / ".Review" / "cur" / name), "someone else's\n");
}

TEST_F(MaildirMove, FinishesAMoveCutShortAfterTheCopy)
{
    // A cross-filesystem move that crashed after the copy got its name but before the
    // source was removed: the retry removes the source instead of making a second copy.
    const auto name = "1700000000.M1P2Q3.host:2,RS";
    spit(root / "cur" / name, "evidence\n");
    spit(root / ".Complained" / "cur" / name, "evidence\n");
    ASSERT_TRUE(ensure_maildir(root / ".Complained"));
    auto r = move_message(root / "cur" / name, root / ".Complained");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->completed);
    EXPECT_FALSE(std::filesystem::exists(root / "cur" / name));
    EXPECT_EQ(count_files(root / ".Complained" / "cur"), 1u);
}

TEST_F(MaildirMove, VanishedAndOddSources)
{
    auto gone = move_message(root / "new" / "1700000000.gone", root / ".Review");
    ASSERT_FALSE(gone);
    EXPECT_EQ(gone.error().kind, ErrorKind::not_found);
    EXPECT_NE(gone.error().message.find("vanished"), std::string::npos);
    std::filesystem::create_directories(root / "new" / "adir");
    auto dir_source = move_message(root / "new" / "adir", root / ".Review");
    ASSERT_FALSE(dir_source);
    EXPECT_EQ(dir_source.error().kind, ErrorKind::invalid);
}

TEST_F(MaildirMove, RenamedByAMailReaderIsFoundByItsUniquePart)
{
    const auto was = root / "new" / "1700000000.M1P2.host";
    spit(root / "cur" / "1700000000.M1P2.host:2,RS", "x");
    spit(root / "cur" / "1700000000.M1P22.host:2,S", "y");
    EXPECT_EQ(find_renamed(was), root / "cur" / "1700000000.M1P2.host:2,RS");
    EXPECT_EQ(find_renamed(root / "cur" / "1700000000.M1P2.host:2,"),
              root / "cur" / "1700000000.M1P2.host:2,RS");
    EXPECT_FALSE(find_renamed(root / "new" / "1700000000.M9P9.host"));
    EXPECT_FALSE(find_renamed(root / "new" / ":2,S"));
}

TEST_F(MaildirMove, ManyMoversOneWinner)
{
    // Two scans racing for the same message: exactly one moves it, the other sees it gone.
    const auto message = root / "new" / "1700000000.M1P2Q3.host";
    for (int round = 0; round < 20; ++round) {
        spit(message, "x\n");
        std::atomic<int> moved{0}, vanished{0};
        std::vector<std::jthread> threads;
        for (const char* dest : {".A", ".B", ".C"})
            threads.emplace_back([&, dest] {
                auto r = move_message(message, root / dest);
                if (r)
                    ++moved;
                else if (r.error().kind == ErrorKind::not_found)
                    ++vanished;
            });
        threads.clear();
        EXPECT_EQ(moved.load(), 1);
        EXPECT_EQ(vanished.load(), 2);
        std::size_t copies = 0;
        for (const char* dest : {".A", ".B", ".C"}) {
            copies += count_files(root / dest / "new");
            std::filesystem::remove_all(root / dest / "new");
            std::filesystem::create_directories(root / dest / "new");
        }
        EXPECT_EQ(copies, 1u);
    }
}

TEST_F(MaildirMove, UnreadableFolderIsAnErrorAndNothingMoves)
{
    const auto message = root / "cur" / "1700000000.M1P2Q3.host:2,S";
    spit(message, "x\n");
    ::chmod(root.c_str(), 0755);
    ::chmod((root / "cur").c_str(), 0755); // readable, not writable by others
    ::chmod(dir.path().c_str(), 0755);
    ::chmod(message.c_str(), 0644);
    const int code = test_support::as_nobody([&] {
        auto r = move_message(message, root / ".Quarantine");
        if (r)
            return 1;
        return r.error().kind == ErrorKind::io ? 0 : 2;
    });
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(std::filesystem::exists(message));
}

} // namespace
