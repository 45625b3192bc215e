#!/usr/bin/perl
# sa-origin.pl - the origin SpamAssassin would name, used as an oracle for `fightback trace`.
#
# Drives only SpamAssassin's Received parser and trust walk (Message parsing plus
# Metadata::parse_received_headers), with one Mail::SpamAssassin object for the whole run,
# an in-memory configuration (no rule files, no plugins, no user prefs, no Bayes, no network),
# and prints one JSON object per message. --bench times that work and prints one summary.
#
# Usage:
#   scripts/sa-origin.pl [options] FILE|DIR...      (a DIR is walked; hidden files skipped)
#   scripts/sa-origin.pl [options] --list FILE      (one message path per line; '-' = stdin)
# Options:
#   --trusted-networks "LIST"   SpamAssassin trusted_networks (space-separated CIDRs, !negation)
#   --internal-networks "LIST"  internal_networks
#   --msa-networks "LIST"       msa_networks
#   --relays                    also print every relay the walk saw ("relays": [...])
#   --bench                     no per-message output; print {"messages":..,"msgs_per_sec":..}
#   --repeat N                  with --bench, go over the list N times (default 1)
# Output (one line per message):
#   {"file": PATH, "origin": IP|null, "untrusted": N, "trusted": N, "unparseable": N}
# origin is the IP of the first untrusted relay (SpamAssassin's relays_untrusted->[0]).

use strict;
use warnings;

use File::Find ();
use File::Temp qw(tempdir);
use Getopt::Long qw(GetOptions);
use JSON::PP ();
use Time::HiRes qw(time);

use Mail::SpamAssassin ();
use Mail::SpamAssassin::PerMsgStatus ();

my %opt = (repeat => 1);
GetOptions(
    \%opt,
    'trusted-networks=s', 'internal-networks=s', 'msa-networks=s',
    'list=s', 'relays', 'bench', 'repeat=i', 'help|h',
) or usage(2);
usage(0) if $opt{help};

sub usage {
    my ($code) = @_;
    print STDERR "usage: $0 [--trusted-networks LIST] [--internal-networks LIST] "
      . "[--msa-networks LIST] [--relays] [--bench [--repeat N]] (--list FILE | FILE|DIR...)\n";
    exit $code;
}

# --- the message list ------------------------------------------------------------------

my @files;
if (defined $opt{list}) {
    my $fh;
    if ($opt{list} eq '-') {
        $fh = \*STDIN;
    } else {
        open($fh, '<', $opt{list}) or die "cannot read list $opt{list}: $!\n";
    }
    while (my $line = <$fh>) {
        chomp $line;
        $line =~ s/\r\z//;
        push @files, $line if length $line;
    }
}
for my $arg (@ARGV) {
    if (-d $arg) {
        my @found;
        File::Find::find(
            {
                no_chdir => 1,
                wanted   => sub {
                    my $base = $_;
                    $base =~ s{.*/}{};
                    if ($base =~ /^\./ && $_ ne $arg) {
                        $File::Find::prune = 1 if -d $_;
                        return;
                    }
                    push @found, $_ if -f $_;
                },
            },
            $arg
        );
        push @files, sort @found;
    } else {
        push @files, $arg;
    }
}
usage(2) unless @files;

# --- one SpamAssassin object, configured in memory --------------------------------------

# Trust lists go in exactly as a user would write them in local.cf. The comment keeps
# SpamAssassin from warning that it found no configuration at all.
my $config = "# fightback oracle: Received parsing and trust only\n";
for my $pair ([qw(trusted-networks trusted_networks)],
              [qw(internal-networks internal_networks)],
              [qw(msa-networks msa_networks)]) {
    my ($flag, $setting) = @$pair;
    next unless defined $opt{$flag};
    my $value = $opt{$flag};
    $value =~ s/^\s+|\s+$//g;
    die "--$flag: empty list\n" if $value eq '';
    die "--$flag: one line only\n" if $value =~ /[\r\n]/;
    $config .= "$setting $value\n";
}

# SpamAssassin insists on a writable state directory; give it a throwaway one rather than
# letting it create one in the user's home.
my $state_home = tempdir('sa-origin-XXXXXX', TMPDIR => 1, CLEANUP => 1);

my $started = time;
my $sa = Mail::SpamAssassin->new({
    config_text         => $config,    # replaces every rule, site and user file
    local_tests_only    => 1,
    dont_copy_prefs     => 1,
    use_bayes           => 0,
    skip_prng_reseeding => 1,
    home_dir_for_helpers => $state_home,
    ignore_site_cf_files => 1,    # no TLD list is needed to walk Received lines
});
{
    # A network SpamAssassin cannot parse is only warned about and then left out; an oracle
    # that silently drops part of its trust list would be wrong, so that is fatal here.
    my @warnings;
    local $SIG{__WARN__} = sub { push @warnings, $_[0]; print STDERR $_[0]; };
    $sa->init(1);
    die "sa-origin: SpamAssassin could not parse the trust settings\n"
      if grep { /illegal|failed to parse|unparseable|ignoring/i } @warnings;
}
# SpamAssassin counts an internal_networks entry outside trusted_networks as a config error
# but walks anyway; say so and go on, as spamd would.
warn "sa-origin: SpamAssassin reports $sa->{conf}->{errors} config error(s)\n"
  if $sa->{conf}->{errors};
my $init_seconds = time - $started;

my $json = JSON::PP->new->canonical->ascii;

# The relays of one message: parse it, then run only the Received walk.
sub relays_of {
    my ($raw) = @_;
    my $msg = $sa->parse(\$raw, 0);
    my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
    my $meta = $msg->{metadata};
    $meta->parse_received_headers($pms, $msg);
    my %result = (
        trusted     => [ @{ $meta->{relays_trusted} } ],
        untrusted   => [ @{ $meta->{relays_untrusted} } ],
        unparseable => $meta->{num_relays_unparseable} || 0,
    );
    $pms->finish;
    $msg->finish;
    return \%result;
}

sub slurp {
    my ($path) = @_;
    open(my $fh, '<:raw', $path) or return;
    local $/;
    my $raw = <$fh>;
    close $fh;
    return defined $raw ? $raw : '';
}

sub relay_summary {
    my ($relay, $trusted) = @_;
    my %out = (trusted => $trusted ? JSON::PP::true : JSON::PP::false);
    for my $key (qw(ip rdns helo by auth)) {
        $out{$key} = $relay->{$key} if defined $relay->{$key} && $relay->{$key} ne '';
    }
    return \%out;
}

# --- bench mode --------------------------------------------------------------------------

if ($opt{bench}) {
    my ($count, $bytes, $with_origin) = (0, 0, 0);
    my $t0 = time;
    for (1 .. $opt{repeat}) {
        for my $path (@files) {
            my $raw = slurp($path);
            next unless defined $raw;
            $bytes += length $raw;
            my $r = relays_of($raw);
            $with_origin++ if @{ $r->{untrusted} } && $r->{untrusted}[0]{ip};
            $count++;
        }
    }
    my $seconds = time - $t0;
    print $json->encode({
        tool         => 'spamassassin',
        version      => Mail::SpamAssassin::Version(),
        messages     => $count,
        bytes        => $bytes,
        with_origin  => $with_origin,
        seconds      => sprintf('%.3f', $seconds) + 0,
        init_seconds => sprintf('%.3f', $init_seconds) + 0,
        msgs_per_sec => $seconds > 0 ? sprintf('%.1f', $count / $seconds) + 0 : undef,
        maxrss_kb    => peak_rss_kb(),
    }), "\n";
    exit 0;
}

sub peak_rss_kb {
    open(my $fh, '<', '/proc/self/status') or return undef;
    while (<$fh>) {
        return $1 + 0 if /^VmHWM:\s+(\d+)/;
    }
    return undef;
}

# --- normal mode: one JSON line per message ----------------------------------------------

my $status = 0;
$| = 0;
for my $path (@files) {
    my $raw = slurp($path);
    if (!defined $raw) {
        print $json->encode({ file => $path, error => "cannot read: $!" }), "\n";
        $status = 1;
        next;
    }
    my $r = relays_of($raw);
    my $first = $r->{untrusted}[0];
    my $origin = $first && defined $first->{ip} && $first->{ip} ne '' ? $first->{ip} : undef;
    my %line = (
        file        => $path,
        origin      => $origin,
        trusted     => scalar @{ $r->{trusted} },
        untrusted   => scalar @{ $r->{untrusted} },
        unparseable => $r->{unparseable},
    );
    if ($opt{relays}) {
        $line{relays} = [
            (map { relay_summary($_, 1) } @{ $r->{trusted} }),
            (map { relay_summary($_, 0) } @{ $r->{untrusted} }),
        ];
    }
    print $json->encode(\%line), "\n";
}
exit $status;
