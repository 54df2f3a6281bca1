#!/usr/bin/env bash
# The apache target against a real Apache httpd (Debian's apache2).
#
# 1. Every example and every clean golden case (first line `# expect: clean`
#    or only W/I codes) compiles to an apache.conf that `apache2 -t` reads
#    with nothing but "Syntax OK" — or is refused, with E0304 (a certificate
#    without pem/key) or E0007 only.  So do a fleet of 1,000 sites, the
#    longest host name and user strings that need quoting (read back by
#    Apache itself: `apache2 -S` lists the document roots as written).
# 2. All of those outputs but the fleet, each moved to ports of its own and its exact
#    addresses to 127.0.0.0/8 (and [::1]), run together in one real Apache
#    that must start: `apache2 -t` cannot see Listen lines that overlap
#    (`Listen 80` beside `Listen 10.0.0.5:80` passes -t and fails to bind),
#    starting can.  Then one request to each of a few, and Apache is stopped.
#
# Apache runs as an ordinary program in a temp dir (apache_conf.sh), with
# throw-away certificates made by openssl substituted for the paths the
# .bind files name, and every DocumentRoot pointed at the temp dir.  The
# start runs inside a private network namespace (unshare -n, or -rn
# without root) whose only interface is loopback; where none can be made,
# part 2 is skipped with a message.
# Usage: test_apache_real.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${BINDC_APACHE_NETNS:-}" ]; then
    for u in "unshare -n" "unshare -rn"; do
        if $u true 2> /dev/null; then exec $u env BINDC_APACHE_NETNS=1 "$0" "$@"; fi
    done
    BINDC_APACHE_NETNS=none
fi
. "$src/tests/scripts/apache_conf.sh"
[ -x "$apache2" ] || { echo "apache2 not found (Debian package apache2; .ci/install-deps installs it)"; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'apache_stop "$tmp"; rm -rf "$tmp"' EXIT
pass=0 fail=0 refused=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$tmp/key.pem" \
    -out "$tmp/cert.pem" -days 2 -subj /CN=bindc-test > /dev/null 2>&1 || { echo "openssl failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$tmp/run" "$tmp/www" "$tmp/outs"
echo ok > "$tmp/www/index.html"
apache_main_conf "$tmp" "$tmp/site.conf" > "$tmp/httpd.conf"

# check NAME DIR FILE [ARGS...]: compile; keep the output for apache2 -t below.
n=0
check() {
    local name=$1 dir=$2 file=$3
    shift 3
    (cd "$dir" && "$bindc" compile "$file" "$@" --target apache -o "$tmp/out.conf" --diagnostics-format json) \
        > /dev/null 2> "$tmp/diags"
    local rc=$?
    if [ $rc != 0 ]; then
        # The apache target refuses a certificate without pem/key and values
        # Apache cannot be given, and only those.
        if [ $rc = 1 ] && grep -q '"code":"E0\(304\|007\)"' "$tmp/diags" &&
           ! grep '"severity":"error"' "$tmp/diags" | grep -qv '"code":"E0\(304\|007\)"'; then
            refused=$((refused + 1)); ok; return
        fi
        bad "$name: bindc compile --target apache exited $rc"; cat "$tmp/diags"; return
    fi
    n=$((n + 1))
    mv "$tmp/out.conf" "$tmp/outs/$n.conf"
    echo "$name" > "$tmp/outs/$n.name"
}

for f in "$src"/examples/*.bind; do
    case $(basename "$f") in mistakes.bind) continue ;; esac
    check "examples/$(basename "$f")" "$src/examples" "$(basename "$f")"
done

golden="$src/tests/golden/check"
# The cases whose first line expects nothing but warnings and hints.
clean=$(awk 'FNR == 1 && sub(/^# expect: */, "") {
                 ok = 1; n = split($0, c, " ")
                 for (i = 1; i <= n; i++) if (c[i] != "clean" && c[i] !~ /^[WI][0-9]+$/) ok = 0
                 if (ok) { f = FILENAME; sub(/.*\//, "", f); sub(/\.bind$/, "", f); print f }
             }' "$golden"/*.bind)
for c in $clean; do
    args=()
    [ -f "$golden/$c.args" ] && read -r -a args < "$golden/$c.args"
    # --werror is a case about warnings, not about the output.
    keep=()
    for a in "${args[@]}"; do [ "$a" = --werror ] || keep+=("$a"); done
    check "golden/$c" "$golden" "$c.bind" "${keep[@]}"
done

# A fleet: 1,000 sites with two names each on one address:port, IP-based
# ones beside them, and TLS with SNI.  (Apache reads a <VirtualHost>'s
# address through getaddrinfo, a millisecond each: 1,000 take a second.)
{
    echo "platform iis10"
    printf 'cert t {\n    pem = "/t.pem"\n    key = "/t.key"\n}\n'
    for i in $(seq 1 1000); do
        printf 'site s%d {\n    http *:8080:site%d.customer%d.example\n    http *:8080:www.site%d.customer%d.example\n' "$i" "$i" "$i" "$i" "$i"
        [ $((i % 10)) = 0 ] && printf '    https *:8443:site%d.customer%d.example cert=t sni\n' "$i" "$i"
        printf '}\n'
    done
    for i in $(seq 1 20); do printf 'site ip%d {\n    http 10.1.0.%d:8080:\n}\n' "$i" "$i"; done
} > "$tmp/fleet.bind"
check "fleet of 1,020 sites" "$tmp" fleet.bind

# The longest host name the language allows (253 characters), and a wildcard.
long=$(printf 'a%.0s' $(seq 1 63)).$(printf 'b%.0s' $(seq 1 63)).$(printf 'c%.0s' $(seq 1 63)).$(printf 'd%.0s' $(seq 1 61))
printf 'site long {\n    http *:8081:%s\n    http *:8081:*.%s\n}\n' "$long" "${long#*.}" > "$tmp/long.bind"
check "253-character host name" "$tmp" long.bind

# User strings Apache must read back as written: quotes, backslashes, `;`,
# `#`, `$` (but not `${`) in a root, which exists, so that -t would warn
# were it read otherwise; a site name with quotes and a backslash in the
# comment, which must not swallow the ServerName after it.
mkdir -p "$tmp/odd/a \"q\" \\ b;{}# \$c"
printf 'site "Odd \\"name\\" #1 \\\\" {\n    root = "%s/odd/a \\"q\\" \\\\ b;{}# $c"\n    http 127.0.0.1:8082:\n}\n' "$tmp" > "$tmp/odd.bind"
if "$bindc" compile "$tmp/odd.bind" --target apache -o "$tmp/site.conf" 2> "$tmp/diags"; then
    if timeout 30 "$apache2" -t -f "$tmp/httpd.conf" > "$tmp/t.out" 2>&1 && [ "$(cat "$tmp/t.out")" = "Syntax OK" ] &&
       timeout 30 "$apache2" -S -f "$tmp/httpd.conf" 2>&1 | grep -q '^127\.0\.0\.1:8082 *_default_ '; then ok
    else bad "quoted strings: Apache did not read them back"; cat "$tmp/t.out" "$tmp/site.conf"; "$apache2" -S -f "$tmp/httpd.conf"; fi
else bad "quoted strings: refused"; cat "$tmp/diags"; fi

# ---- apache2 -t on every output, and all of them started at once ------------
# Each output gets the throw-away certificate, the temp dir as its document
# root, and proxies to 127.0.0.1 (Apache resolves nothing before a request
# either way); outs/K.solo.conf is that alone.  For the run together, case K
# also gets the ports 20000 + 40K + i and the addresses 127.1.K.i; an IPv6
# address becomes [::1] (a case with two of them, or a big one, runs alone).
v6=0
ip -6 addr show dev lo 2> /dev/null | grep -q '::1/128' && v6=1
perl -e '
    my ($dir, $n, $v6) = @ARGV;
    open my $all, ">", "$dir/all.conf" or die;
    open my $alone, ">", "$dir/alone" or die;
    open my $ports, ">", "$dir/ports" or die;
    for my $k (1 .. $n) {
        open my $in, "<", "$dir/outs/$k.conf" or die;
        my @lines = <$in>;
        for (@lines) {
            s{^(\s*SSLCertificateFile) "(?:[^"\\]|\\.)*"}{$1 "$dir/cert.pem"};
            s{^(\s*SSLCertificateKeyFile) "(?:[^"\\]|\\.)*"}{$1 "$dir/key.pem"};
            s{^(\s*DocumentRoot) "(?:[^"\\]|\\.)*"}{$1 "$dir/www"};
            s{^(\s*Proxy(?:Pass|PassReverse) "/" "https?://)(\[[^\]]*\]|[^:/"]*)}{${1}127.0.0.1};
        }
        open my $solo, ">", "$dir/outs/$k.solo.conf" or die;
        print $solo @lines;
        my (%port, %addr, %six);
        my $map = sub {
            my ($t) = @_;
            my ($a, $p) = $t =~ /^(?:(.*):)?(\d+)$/ or return $t;
            $port{$p} //= 20000 + 40 * $k + scalar keys %port;
            return $port{$p} unless defined $a;
            if ($a =~ /^\d+\.\d+\.\d+\.\d+$/ && $a ne "0.0.0.0") { $addr{$a} //= "127.1.$k." . (1 + scalar keys %addr); $a = $addr{$a} }
            elsif ($a =~ /^\[/ && $a ne "[::]") { $six{$a} = 1; $a = "[::1]" }
            return "$a:$port{$p}";
        };
        for (@lines) {
            s{^(Listen )(\S+)}{$1 . $map->($2)}e;
            s{^<VirtualHost ([^>]*)>}{"<VirtualHost " . join(" ", map { $map->($_) } split / /, $1) . ">"}e;
        }
        if (keys %six > 1 || (keys %six && !$v6) || $k > 120 || grep({ /^<VirtualHost/ } @lines) > 100) { print $alone "$k\n"; next }
        print $all @lines;
        my ($first) = grep { /^Listen / } @lines;
        print $ports "$1\n" if $first && $first =~ /^Listen (?:\S*:)?(\d+)/;
    }
' "$tmp" "$n" "$v6"

# apache2 -t prints "Syntax OK" and nothing else (no warning either).
syntax_ok() {  # CONF...
    apache_main_conf "$tmp" "$@" > "$tmp/httpd.conf"
    timeout 60 "$apache2" -t -f "$tmp/httpd.conf" > "$tmp/t.out" 2>&1 && [ "$(cat "$tmp/t.out")" = "Syntax OK" ]
}
together=$(( n - $(grep -c . "$tmp/alone") ))
for k in $(cat "$tmp/alone"); do
    if syntax_ok "$tmp/outs/$k.solo.conf"; then ok; else bad "$(cat "$tmp/outs/$k.name"): apache2 -t"; cat "$tmp/t.out"; fi
done
if syntax_ok "$tmp/all.conf"; then
    pass=$((pass + together))
else
    # Which one: each alone.
    for k in $(seq 1 "$n"); do
        grep -qx "$k" "$tmp/alone" && continue
        if syntax_ok "$tmp/outs/$k.solo.conf"; then ok; else bad "$(cat "$tmp/outs/$k.name"): apache2 -t"; cat "$tmp/t.out"; fi
    done
    syntax_ok "$tmp/all.conf" || { bad "all outputs together: apache2 -t"; head -20 "$tmp/t.out"; }
fi

# User strings Apache must read back as written: quotes, backslashes, `;`,
# `#`, `$` (but not `${`) in a root, which exists, so that -t would warn
# were it read otherwise; a site name with quotes and a backslash in the
# comment, which must not swallow the ServerName after it.
mkdir -p "$tmp/odd/a \"q\" \\ b;{}# \$c"
printf 'site "Odd \\"name\\" #1 \\\\" {\n    root = "%s/odd/a \\"q\\" \\\\ b;{}# $c"\n    http 127.0.0.1:8082:\n}\n' "$tmp" > "$tmp/odd.bind"
if "$bindc" compile "$tmp/odd.bind" --target apache -o "$tmp/odd.conf" 2> "$tmp/diags"; then
    if syntax_ok "$tmp/odd.conf" && timeout 30 "$apache2" -S -f "$tmp/httpd.conf" 2>&1 | grep -q '^127\.0\.0\.1:8082 *_default_ '; then ok
    else bad "quoted strings: Apache did not read them back"; cat "$tmp/t.out" "$tmp/odd.conf"; "$apache2" -S -f "$tmp/httpd.conf"; fi
else bad "quoted strings: refused"; cat "$tmp/diags"; fi

echo "($refused refused with E0304 or E0007, as the apache target must; $n outputs read by apache2 -t)"

if [ "$BINDC_APACHE_NETNS" = none ]; then
    echo "SKIP starting Apache: no network namespace (unshare -n / unshare -rn) to keep it off real interfaces"
else
    ip link set lo up 2> /dev/null
    apache_main_conf "$tmp" "$tmp/all.conf" > "$tmp/httpd.conf"
    if ! apache_start "$tmp"; then
        bad "all outputs together: Apache did not start (overlapping Listen lines?)"
        grep -E 'AH00072|AH00451|emerg|make_sock' "$tmp/error.log" "$tmp/apache.out" 2> /dev/null | head -5
    else
        ok
        # Apache answers on the first port of a few of them, whatever the site.
        answered=0 asked=0
        for p in $(head -n 10 "$tmp/ports"); do
            asked=$((asked + 1))
            code=$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/" || true)
            [ "$code" = 000 ] && code=$(curl -sk --max-time 5 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$p/" || true)
            [ "$code" != 000 ] && answered=$((answered + 1))
        done
        if [ "$answered" = "$asked" ]; then ok; else bad "Apache answered on $answered of $asked ports"; fi
        apache_stop "$tmp"
        echo "started Apache with $together outputs: $(grep -c '^Listen' "$tmp/all.conf") Listen lines, $(grep -c '^<VirtualHost' "$tmp/all.conf") virtual hosts; stopped it"
    fi
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
