#!/usr/bin/env perl
# Deterministic fleet generator for the benchmarks (and, at small N, for the
# test that keeps it working).  Writes one .bind file of about N_BINDINGS
# bindings to stdout:
#
#   fleet_gen.pl N_BINDINGS [PLATFORM]        PLATFORM: iis10 (default) or iis8
#   FLEET_SSL_DIR=DIR  where the certificate files are named (default /etc/ssl/fleet)
#
# The mix is what a hosting provider's fleet looks like (sites bound to the
# server's shared address, as hosting panels do), and every choice is a
# function of the site's number, so the same N always gives the same bytes:
#   - most sites: a host name `sN.gK.example` on the shared address
#     10.0.0.1, port 80 and, with SNI, 443, under a wildcard certificate
#     shared by its group of 100 sites (so `names` coverage is checked);
#     every 4th site also has its own domain, apex and www, on port 80;
#   - every 20th site: IP-based TLS on its own IPv4 address (no SNI, its own
#     certificate, the host names kept for routing);
#   - every 25th site (but nginx's): also on its own IPv6 address;
#   - every 30th site (iis10 only): a wildcard host `*.sN.gK.example`;
#   - every 40th site: served by nginx on *:8080 (side by side with IIS);
#   - catch-alls: a fallback site on *:80, and the shared address's own
#     default site on 10.0.0.1:80.
# The fleet checks clean (no diagnostics at all), so the figures measure the
# work every fleet pays, not the printing of warnings.
#
# Why the shared address and not `*`: nginx chooses the listen address
# before the name, so a name bound on `*` must be repeated on every exact
# address of its port for nginx to route as IIS does (README, Performance).
use strict;
use warnings;

my $want = shift // 10000;
my $platform = shift // 'iis10';
my $ssl = $ENV{FLEET_SSL_DIR} // '/etc/ssl/fleet';   # where pem/key live (the runner makes them)
die "usage: fleet_gen.pl N_BINDINGS [iis10|iis8]\n"
    unless $want =~ /^\d+$/ && $platform =~ /^(iis10|iis8)$/;
my $wildcards = $platform eq 'iis10';

sub thumb { sprintf '%08X%032X', $_[0] * 2654435761 % 4294967296, $_[0] }
sub group { int(($_[0] - 1) / 100) }
sub ipv4 { my $n = shift; sprintf '10.%d.%d.%d', 1 + (($n >> 16) & 255), ($n >> 8) & 255, $n & 255 }

print "# fleet: about $want bindings, platform $platform (tests/bench/fleet_gen.pl)\n";
print "platform $platform\n\n";
print "defaults {\n    acl   = 'HOSTING\\webdeploy'\n    store = WebHosting\n}\n";

print "\nsite Fallback {\n    id   = 1\n    path = 'D:\\sites\\fallback'\n    http *:80:\n}\n";
print "\nsite Shared {\n    id   = 2\n    path = 'D:\\sites\\shared'\n    http 10.0.0.1:80:\n}\n";

my $made = 2;
for (my $i = 1; $made < $want; $i++) {
    my $g = group($i);
    if ($i % 100 == 1) {        # the group's shared wildcard certificate
        print "\ncert g$g {\n    thumbprint = \"", thumb($g + 1), "\"\n";
        print "    names      = *.g$g.example\n";
        print "    pem        = \"$ssl/g$g.pem\"\n";
        print "    key        = \"$ssl/g$g.key\"\n}\n";
    }
    my $apex = "s$i.g$g.example";
    my $nginx = $i % 40 == 0;
    my $p80 = $nginx ? 8080 : 80;
    my $ipbased = !$nginx && $i % 20 == 0;
    my $at = $nginx ? '*' : '10.0.0.1';
    my @lines;
    if ($ipbased) {
        my $ip = ipv4($i);
        print "\ncert c$i {\n    thumbprint = \"", thumb(1000000 + $i), "\"\n";
        print "    names      = $apex, www.$apex\n";
        print "    pem        = \"$ssl/c$i.pem\"\n";
        print "    key        = \"$ssl/c$i.key\"\n}\n";
        push @lines, "http  10.0.0.1:80:$apex", "http  10.0.0.1:80:www.$apex",
                     "https $ip:443:$apex cert=c$i", "https $ip:443:www.$apex cert=c$i";
    } else {
        push @lines, "http  $at:$p80:$apex";
        push @lines, "https $at:443:$apex cert=g$g sni" unless $nginx;
        push @lines, "http  $at:$p80:cust$i.example", "http  $at:$p80:www.cust$i.example" if $i % 4 == 1;
    }
    if ($i % 25 == 0 && !$nginx) {     # (on nginx's *:8080 an exact address would repeat every name)
        my $ip6 = sprintf '[2001:db8:%x::%x:%x]', $g, $i >> 16, $i & 0xffff;
        push @lines, "http  $ip6:$p80:$apex";
    }
    if ($wildcards && $i % 30 == 0 && !$ipbased) {
        push @lines, "http  $at:$p80:*.$apex";
    }
    print "\nsite s$i {\n";
    print "    path = 'D:\\sites\\s$i'\n    pool = pool", $i % 1000, "\n";
    print "    server = nginx\n" if $nginx;
    print "    $_\n" for @lines;
    print "}\n";
    $made += @lines;
}
