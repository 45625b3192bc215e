// Scanning a Maildir with worker threads: every file reported once, the right verdicts,
// files that vanished or cannot be read reported as such, and a stop request honoured.
#include <sys/stat.h>

#include <fstream>
#include <mutex>

#include <gtest/gtest.h>

#include "fightback/mail/maildir.hpp"
#include "fightback/scan/batch.hpp"
#include "fightback/scan/clamav_engine.hpp"
#include "paths.hpp"
#include "support/sample_mail.hpp"
#include "support/as_nobody.hpp"
#include "support/temp_dir.hpp"

using namespace fightback;
using namespace fightback::scan;
namespace samples = fightback::test_mail;

namespace {

std::shared_ptr<const Engine> engine()
{
    static std::shared_ptr<const Engine> shared = [] {
        EngineSettings settings;
        settings.database = test_scan::test_database();
        auto loaded = ClamavEngine::load(settings);
        return loaded ? std::shared_ptr<const Engine>(std::move(*loaded)) : nullptr;
    }();
    return shared;
}

TEST(BatchScan, EveryFileOnceWithItsVerdict)
{
    ASSERT_TRUE(engine());
    test_support::TempDir dir;
    const auto root = dir / "Maildir";
    int expect_infected = 0;
    for (int i = 0; i < 40; ++i) {
        std::string text = i % 10 == 3 ? samples::worm_message() : i % 10 == 7 ? samples::eicar_message()
                                                                          : samples::clean_message();
        expect_infected += (i % 10 == 3 || i % 10 == 7);
        ASSERT_TRUE(mail::deliver(root, text));
    }
    auto files = mail::list_maildir(root);
    ASSERT_TRUE(files);
    // One listed file disappears before the scan reaches it.
    files->push_back(root / "new" / "1700000000.vanished");
    Classifier classifier(engine(), Rules::defaults());
    std::mutex m;
    std::vector<int> seen(files->size(), 0);
    int infected = 0, complain = 0, errors_not_found = 0;
    BatchOptions options;
    options.jobs = 3;
    auto handed = scan_files(classifier, *files, options,
                             [&](std::size_t i, const std::filesystem::path&, Expected<Verdict> v) {
                                 std::lock_guard lock(m);
                                 ++seen[i];
                                 if (!v) {
                                     errors_not_found += v.error().kind == ErrorKind::not_found;
                                     return;
                                 }
                                 infected += v->kind == VerdictKind::infected;
                                 complain += v->action == Action::complain;
                             });
    EXPECT_EQ(handed, files->size());
    for (int s : seen)
        EXPECT_EQ(s, 1);
    EXPECT_EQ(infected, expect_infected);
    EXPECT_EQ(complain, 4); // the worms; EICAR is quarantined by default
    EXPECT_EQ(errors_not_found, 1);
}

TEST(BatchScan, UnreadableFileIsAnErrorTheOthersAreScanned)
{
    ASSERT_TRUE(engine());
    test_support::TempDir dir;
    const auto root = dir / "Maildir";
    ASSERT_TRUE(mail::deliver(root, samples::worm_message()));
    auto locked = mail::deliver(root, samples::clean_message());
    ASSERT_TRUE(locked);
    ASSERT_TRUE(mail::deliver(root, samples::eicar_message()));
    for (const auto& d : {dir.path(), root, root / "new"})
        ::chmod(d.c_str(), 0755);
    for (const auto& f : std::filesystem::directory_iterator(root / "new"))
        ::chmod(f.path().c_str(), 0644);
    ::chmod(locked->c_str(), 0000);
    auto files = mail::list_maildir(root);
    ASSERT_TRUE(files);
    Classifier classifier(engine(), Rules::defaults());
    // The result as a number: infected verdicts * 10 + io errors.
    const int code = test_support::as_nobody([&] {
        int infected = 0, io = 0;
        std::mutex m;
        BatchOptions options;
        options.jobs = 2;
        scan_files(classifier, *files, options,
                   [&](std::size_t, const std::filesystem::path&, Expected<Verdict> v) {
                       std::lock_guard lock(m);
                       if (!v)
                           io += v.error().kind == ErrorKind::io;
                       else
                           infected += v->kind == VerdictKind::infected;
                   });
        return infected * 10 + io;
    });
    EXPECT_EQ(code, 21);
}

TEST(BatchScan, StopTakesNoNewFile)
{
    ASSERT_TRUE(engine());
    test_support::TempDir dir;
    for (int i = 0; i < 20; ++i)
        ASSERT_TRUE(mail::deliver(dir / "Maildir", samples::clean_message()));
    auto files = mail::list_maildir(dir / "Maildir");
    ASSERT_TRUE(files);
    Classifier classifier(engine(), Rules::defaults());
    std::atomic<bool> stop{false};
    BatchOptions options;
    options.jobs = 1;
    options.stop = &stop;
    std::atomic<int> calls{0};
    auto handed = scan_files(classifier, *files, options,
                             [&](std::size_t, const std::filesystem::path&, Expected<Verdict>) {
                                 if (++calls == 5)
                                     stop = true;
                             });
    EXPECT_EQ(handed, 5u);
}

} // namespace
