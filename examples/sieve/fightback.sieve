# Sieve (Dovecot Pigeonhole, Cyrus): Sieve cannot run fightback at delivery without
# extensions, so it sorts and `fightback scan` (cron) or `fightback watch` does the rest:
#   fightback watch ~/Maildir/.HTML ~/Maildir/.Quarantine
# scans those folders, complains about worms and moves each message on.
require ["fileinto"];

# Spam an upstream filter already flagged: complaints need a [[scan.rules]] header rule,
# e.g. header = "X-Spam-Flag", action = "complain" (docs/scan.md).
if header :is "X-Spam-Flag" "YES" {
    fileinto "Quarantine";
    stop;
}

# HTML mail, as the 2003 procmail rule did.
if header :contains "Content-Type" "text/html" {
    fileinto "HTML";
    stop;
}
