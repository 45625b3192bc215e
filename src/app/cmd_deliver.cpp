// `fightback deliver`: a delivery filter for procmail, maildrop or Postfix mailbox_command.
// The message arrives on standard input and is first written into the Maildir's tmp/ (so it
// is on disk, fsynced, before anything else happens); the scanner and the rules then choose
// its folder, and it is linked into that folder's new/. Exit 0 only once it is there; exit 75
// (EX_TEMPFAIL) on any failure, so the MTA keeps the message and tries again later.
//
// Detected mail that a rule says to complain about is filed into the quarantine folder: that
// folder is the queue `fightback scan` (cron) or `fightback watch` works through, tracing,
// complaining and moving each message on (docs/scan.md, examples/).
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include <fmt/format.h>

#include "common.hpp"
#include "fightback/mail/maildir.hpp"
#include "fightback/scan/mime_parts.hpp"
#include "fightback/util/file.hpp"
#include "fightback/util/text.hpp"
#include "scan_setup.hpp"

namespace fightback::app {
namespace {


struct DeliverArgs {
    std::optional<std::string> maildir;
    ScanFlags scan;
    bool no_html = false;
    bool verbose = false;
};

struct Decision {
    std::string folder; // a [folders] name; empty means the inbox
    std::string why;
};

Decision choose_folder(const Expected<scan::Verdict>& verdict, bool html_only,
                       const config::Config& config)
{
    const auto& f = config.folders;
    if (!verdict)
        return {f.review, "could not be scanned: " + verdict.error().message};
    const auto& v = *verdict;
    const std::string what = v.kind == scan::VerdictKind::clean
                                 ? std::string("clean")
                                 : fmt::format("{} {}{}", scan::to_string(v.kind), v.name,
                                               v.part.empty() ? "" : " in " + v.part);
    switch (v.action) {
    case scan::Action::complain:
    case scan::Action::quarantine:
        return {f.quarantine, fmt::format("{}: {}", what, v.reason)};
    case scan::Action::review:
        return {f.review, fmt::format("{}: {}", what, v.reason)};
    case scan::Action::keep:
        break;
    }
    if (html_only && config.deliver.html_only)
        return {f.html, what + ", HTML only"};
    return {"", what};
}

// Standard input into the pending file; a leading mbox "From " line (procmail passes one)
// is not part of the message in a Maildir.
Expected<std::size_t> copy_stdin(mail::PendingDelivery& pending)
{
    std::vector<char> buffer(1 << 16);
    std::size_t total = 0;
    bool first = true;
    std::string head; // the first line, until we know whether it is "From "
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(ErrorKind::temporary, fmt::format("reading standard input: {}", std::strerror(errno)));
        }
        std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
        if (first) {
            head.append(chunk);
            const auto nl = head.find('\n');
            if (nl == std::string::npos && n > 0 && head.size() < 4096)
                continue;
            first = false;
            std::string_view rest = head;
            if (rest.starts_with("From ") && nl != std::string::npos)
                rest.remove_prefix(nl + 1);
            if (auto w = pending.write(rest); !w)
                return std::unexpected(w.error());
            total += rest.size();
            if (n == 0)
                break;
            continue;
        }
        if (n == 0)
            break;
        if (auto w = pending.write(chunk); !w)
            return std::unexpected(w.error());
        total += chunk.size();
    }
    return total;
}

int run_deliver(const GlobalOptions& global, const DeliverArgs& args,
                const std::vector<std::string>& extras)
{
    auto tempfail = [](const std::string& what) {
        print_error("deliver: " + what + " (exit 75: the MTA will retry)");
        return exit_tempfail;
    };
    if (!extras.empty())
        return tempfail(fmt::format("unexpected argument '{}'", extras.front()));
    auto config = load_config(global);
    if (!config)
        return tempfail(config.error().message);
    if (auto ok = args.scan.apply(config->scan); !ok)
        return tempfail(ok.error().message);
    auto root = delivery_maildir(args.maildir, config->folders);
    if (!root)
        return tempfail(root.error().message);

    auto pending = mail::PendingDelivery::create(*root);
    if (!pending)
        return tempfail(pending.error().message);
    auto size = copy_stdin(*pending);
    if (!size)
        return tempfail(size.error().message);
    if (auto done = pending->finish(); !done)
        return tempfail(done.error().message);

    Decision decision{"", "delivered unscanned"};
    const bool scan = config->deliver.scan && !args.scan.no_scan;
    if (*size <= config->deliver.max_scan_bytes) {
        auto bytes = read_file(pending->tmp_path(), config->deliver.max_scan_bytes);
        if (!bytes)
            return tempfail(bytes.error().message);
        auto message = mail::Message::from_bytes(std::move(*bytes));
        if (!message)
            return tempfail(message.error().message);
        auto classifier = make_classifier(config->scan, scan);
        if (!classifier)
            return tempfail(classifier.error().message);
        auto verdict = classifier->classify(*message);
        if (!verdict && verdict.error().kind == ErrorKind::temporary)
            return tempfail(verdict.error().message);
        const bool html_only = !args.no_html && scan::is_html_only(message->mime());
        decision = choose_folder(verdict, html_only, *config);
    } else {
        decision.why = fmt::format("larger than {} bytes: delivered unscanned", config->deliver.max_scan_bytes);
    }

    std::filesystem::path dest = *root;
    if (!decision.folder.empty()) {
        auto resolved = mail::resolve_folder(*root, decision.folder);
        if (!resolved)
            return tempfail(resolved.error().message);
        dest = *resolved;
    }
    auto delivered = pending->commit(dest);
    if (!delivered)
        return tempfail(delivered.error().message);
    if (args.verbose || !decision.folder.empty())
        std::fprintf(stderr, "fightback: deliver: %s -> %s\n", printable(decision.why).c_str(),
                     printable(delivered->string()).c_str());
    return exit_ok;
}

} // namespace

void add_deliver_command(CLI::App& app, const GlobalOptions& global, int& exit_code)
{
    auto args = std::make_shared<DeliverArgs>();
    auto* cmd = app.add_subcommand(
        "deliver", "delivery filter: file the message on stdin into a Maildir folder by rule "
                   "(exit 75 on any temporary failure)");
    cmd->add_option("--maildir", args->maildir,
                    "the Maildir to deliver to (default: [folders] maildir, $MAILDIR, ~/Maildir)");
    args->scan.add_to(*cmd);
    cmd->add_flag("--no-html-folder", args->no_html, "keep HTML-only mail in the inbox");
    cmd->add_flag("--verbose,-v", args->verbose, "log where every message went (stderr)");
    // Arguments we do not know must not bounce mail: they are reported and deferred.
    cmd->allow_extras();
    cmd->callback([&global, &exit_code, args, cmd] {
        exit_code = run_deliver(global, *args, cmd->remaining());
    });
}

} // namespace fightback::app
