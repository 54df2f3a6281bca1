#!/usr/bin/env bash
# Fleet benchmark runner.  For each N (bindings), generates the fleet with
# tests/bench/fleet_gen.pl (deterministic) and prints, measured the same way
# for every command (GNU time: wall clock and peak RSS; the median wall time
# of RUNS runs, the largest RSS):
#   bindc check, bindc check --state with captures of what the fleet's
#   machine holds, bindc compile --target all, --target nginx, --target
#   apache and --target iis, bindc import of that applicationhost.config
#   (which must take no longer than writing it), and side by side nginx -t
#   on the emitted nginx config, apache2 -t on the emitted apache.conf and
#   xmllint --noout on the emitted applicationhost.config,
# with check's throughput in MB/s and bindings/s.  Prints figures; never
# fails on time (a benchmark is not a test).
# bindc's runs take the sizes in turn (each round runs a command once at
# every N), so that a drift in the machine's speed falls on every size
# alike: a ratio between sizes measured minutes apart, with nginx -t in
# between, was as much the drift's as bindc's.  nginx -t and xmllint run
# after, once each.
#
#   tests/bench/fleet.sh BINDC [N_BINDINGS...]     (default 10000 200000 1000000)
#   RUNS=5 tests/bench/fleet.sh build/bindc 200000
#   FORMAT=md ...   prints the rows as a Markdown table (the README's)
# nginx -t runs in a network namespace of its own (unshare -n, as root) so
# the fleet's addresses can be bound without interfaces.
set -u
bindc=$1; shift
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(10000 200000 1000000)
runs=${RUNS:-3}
format=${FORMAT:-text}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v /usr/bin/time > /dev/null || { echo "fleet.sh needs GNU time (apt install time)"; exit 2; }

# One real certificate and key, hard-linked under every name the fleet
# gives, so nginx -t loads the files as it would on a real fleet.
export FLEET_SSL_DIR=$tmp/ssl
mkdir -p "$FLEET_SSL_DIR"
if command -v openssl > /dev/null; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
        -days 2 -subj /CN=bindc-bench > /dev/null 2>&1
fi

. "$here/../scripts/apache_conf.sh"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure CMD... -> "MEDIAN_S PEAK_MB EXIT": once (nginx -t takes minutes
# on the largest fleet, loading every server's certificate); output and
# errors go to $tmp/last.*
measure() {
    /usr/bin/time -f '%e %M %x' -o "$tmp/t" "$@" > "$tmp/last.out" 2> "$tmp/last.err"
    read -r t m rc < <(tail -n 1 "$tmp/t")
    printf '%s %d %s\n' "$t" $((m / 1024)) "$rc"
}

# record FILE CMD...: runs CMD once and adds "SECONDS KB EXIT" to FILE.
record() {
    local file=$1; shift
    /usr/bin/time -f '%e %M %x' -o "$tmp/t" "$@" > "$tmp/last.out" 2> "$tmp/last.err"
    tail -n 1 "$tmp/t" >> "$file"
}

# summary FILE -> "MEDIAN_S PEAK_MB EXIT" (the last nonzero exit, else 0)
summary() {
    printf '%s %d %s\n' "$(cut -d' ' -f1 "$1" | median)" $(($(cut -d' ' -f2 "$1" | sort -n | tail -n 1) / 1024)) \
        "$(awk '$3 != 0 { rc = $3 } END { print rc + 0 }' "$1")"
}

row() {  # N WHAT SECONDS MB EXIT [NOTE]
    if [ "$format" = md ]; then
        printf '| %s | %s | %s s | %s MB | %s |\n' "$1" "$2" "$3" "$4" "${6:-}"
    else
        printf '%9s  %-34s %8s s %6s MB  %s%s\n' "$1" "$2" "$3" "$4" "${6:-}" "$([ "$5" = 0 ] || echo " (exit $5)")"
    fi
}

printf 'machine: %s, %s cores, %s; bindc %s; median of %s runs (GNU time: wall, peak RSS)\n' \
    "$(uname -m)" "$(nproc)" "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$("$bindc" --version 2>/dev/null | head -1)" "$runs"
[ "$format" = md ] && printf '| bindings | command | median wall | peak RSS | notes |\n|---|---|---|---|---|\n'
# Each fleet, with its certificates, in a folder of its own.
for n in "${sizes[@]}"; do
    d=$tmp/$n
    mkdir -p "$d"
    perl "$here/fleet_gen.pl" "$n" > "$d/fleet.bind"
    # A file may be at most 64 MiB (README, Limits): a fleet bigger than
    # 32 MiB goes in parts, split before a `site` or `cert` block, and is
    # checked as one server, as a fleet kept in several files is.
    perl -e 'my ($in, $dir) = @ARGV; open(my $f, "<", $in) or die; my ($k, $size, $out) = (0, 0);
             sub next_part { close($out) if $out; open($out, ">", sprintf("%s/part.%03d.bind", $dir, ++$k)) or die; $size = 0 }
             next_part();
             while (my $l = <$f>) { next_part() if $size > 32 << 20 && $l =~ /^(site|cert) /; print $out $l; $size += length $l }' \
        "$d/fleet.bind" "$d"
    # Certificate files for every name the fleet gives.
    if [ -f "$tmp/cert.pem" ]; then
        KEY=$tmp/key.pem CERT=$tmp/cert.pem perl -ne '
            next unless /(?:pem|key)\s*=\s*"([^"]+)"/;
            my $f = $1;
            link($f =~ /\.key$/ ? $ENV{KEY} : $ENV{CERT}, $f) unless -e $f;' "$d/fleet.bind"
    fi
    stat -c %s "$d/fleet.bind" > "$d/bytes"
    grep -c '^site ' "$d/fleet.bind" > "$d/sites"
    # What the machine of such a fleet holds, as `netsh http show sslcert`
    # and `show urlacl` print it: the SSL binding of every https binding
    # (its certificate's thumbprint and store, IIS's application ID) and a
    # reservation for every http URL of HTTP.sys's sites, as the fleet's
    # netsh.cmd leaves them: `check --state` with them has nothing to
    # report, and reads it all.
    perl -e 'my ($ssl, $acl) = @ARGV; my (%thumb, $cert, %s, %u, $store, $nginx);
        while (<STDIN>) {
            $store = $1 if /^\s+store\s*=\s*(\S+)/;
            $nginx = 0 if /^site /;
            $nginx = 1 if /^\s+server\s*=\s*nginx/;
            $cert = $1 if /^cert (\S+)/;
            $thumb{$cert} = $1 if /^\s+thumbprint\s*=\s*"([0-9A-F]{40})"/;
            next if $nginx || !/^\s+(https?)\s+(\S+)(.*)$/;
            my ($proto, $info, $opts) = ($1, $2, $3);
            my ($addr, $port, $host) = $info =~ /^(\[[^\]]*\]|[^:]*):(\d+):(.*)$/ or next;
            $addr = "0.0.0.0" if $addr eq "*";
            if ($proto eq "http") { $u{"http://" . ($host ne "" ? $host : $addr eq "0.0.0.0" ? "*" : $addr) . ":$port/"} = 1; next }
            my ($c) = $opts =~ /cert=(\S+)/ or next;
            my $key = $opts =~ /\bsni\b/ ? "Hostname:port                : $host:$port" : "IP:port                      : $addr:$port";
            $s{$key} //= $thumb{$c} if $thumb{$c};
        }
        open(my $o, ">", $ssl) or die; print $o "\nSSL Certificate bindings:\n-------------------------\n";
        print $o "\n    $_\n    Certificate Hash             : $s{$_}\n    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\n    Certificate Store Name       : " . ($store // "My") . "\n" for sort keys %s;
        open($o, ">", $acl) or die; print $o "\nURL Reservations:\n-----------------\n";
        print $o "\n    Reserved URL            : $_\n        User: \\Everyone\n            Listen: Yes\n            Delegate: No\n            SDDL: D:(A;;GX;;;WD)\n" for sort keys %u;' \
        "$d/sslcert.txt" "$d/urlacl.txt" < "$d/fleet.bind"
    rm -f "$d/fleet.bind"
done

# bindc, RUNS rounds of each command, every size in each round.
for what in check state all nginx apache iis import; do
    for _ in $(seq "$runs"); do
        for n in "${sizes[@]}"; do
            d=$tmp/$n
            fleet=("$d"/part.*.bind)
            case $what in
            check) record "$d/check.runs" "$bindc" check "${fleet[@]}"; cp "$tmp/last.err" "$d/check.err" ;;
            state) record "$d/state.runs" "$bindc" check "${fleet[@]}" --state "$d/sslcert.txt" --state "$d/urlacl.txt"
                   cp "$tmp/last.err" "$d/state.err" ;;
            all) record "$d/all.runs" "$bindc" compile "${fleet[@]}" --target all -o "$d/out" ;;
            nginx) record "$d/nginx.runs" "$bindc" compile "${fleet[@]}" --target nginx -o "$d/nginx.conf" ;;
            apache) record "$d/apache.runs" "$bindc" compile "${fleet[@]}" --target apache -o "$d/apache.conf" ;;
            iis) record "$d/iis.runs" "$bindc" compile "${fleet[@]}" --target iis -o "$d/iis.config" ;;
            import) record "$d/import.runs" "$bindc" import "$d/iis.config" -o "$d/imported.bind" ;;
            esac
        done
    done
done

for n in "${sizes[@]}"; do
    d=$tmp/$n
    bytes=$(cat "$d/bytes")
    nfiles=$(ls "$d"/part.*.bind | wc -l)
    [ "$format" = md ] || echo "== $n bindings ($(cat "$d/sites") sites, $((bytes / 1024)) KiB of .bind in $nfiles file(s))"

    read -r t mb rc < <(summary "$d/check.runs")
    ndiag=$(grep -c '^[^ ].*: \(error\|warning\|hint\)\[' "$d/check.err")
    rate=$(awk -v t="$t" -v b="$bytes" -v n="$n" 'BEGIN { if (t > 0) printf "%.1f MB/s, %.0f bindings/s", b / t / 1e6, n / t; else printf "under the 10 ms clock" }')
    row "$n" "bindc check" "$t" "$mb" "$rc" "$rate; $ndiag diagnostics"

    read -r t mb rc < <(summary "$d/state.runs")
    ndiag=$(grep -c '^[^ ].*: \(error\|warning\|hint\)\[' "$d/state.err")
    row "$n" "bindc check --state (the machine's records)" "$t" "$mb" "$rc" \
        "$(grep -c '^    Certificate Hash' "$d/sslcert.txt") SSL bindings, $(grep -c '^    Reserved URL' "$d/urlacl.txt") URL reservations; $ndiag diagnostics"

    read -r t mb rc < <(summary "$d/all.runs")
    row "$n" "bindc compile --target all" "$t" "$mb" "$rc" "$(du -sm "$d/out" | cut -f1) MB written"

    read -r tn mb rc < <(summary "$d/nginx.runs")
    row "$n" "bindc compile --target nginx" "$tn" "$mb" "$rc"

    read -r ta mb rc < <(summary "$d/apache.runs")
    row "$n" "bindc compile --target apache" "$ta" "$mb" "$rc"

    read -r ti mb rc < <(summary "$d/iis.runs")
    row "$n" "bindc compile --target iis" "$ti" "$mb" "$rc" "$(grep -c '<site ' "$d/iis.config") sites"

    read -r t mb rc < <(summary "$d/import.runs")
    ratio=$(awk -v a="$t" -v b="$ti" 'BEGIN { if (b > 0) printf "%.2fx the time of --target iis", a / b }')
    row "$n" "bindc import applicationhost.config" "$t" "$mb" "$rc" "$ratio"

    if ! unshare -n true 2> /dev/null; then
        [ "$format" = md ] || echo "  nginx -t skipped: it must bind the fleet's addresses, which needs unshare -n (root)"
    elif command -v nginx > /dev/null && [ -f "$d/nginx.conf" ]; then
        mkdir -p "$d/ng/logs"
        # A fleet listens on thousands of sockets: nginx wants a worker
        # connection for each (the default 512 fails the test).
        printf 'error_log %s/ng/error.log;\npid %s/ng/nginx.pid;\nworker_rlimit_nofile 1048576;\nevents { worker_connections 1048576; }\nhttp {\n    include %s/nginx.conf;\n}\n' \
            "$d" "$d" "$d" > "$d/ng/nginx.conf"
        # nginx -t opens its listen sockets: in a network namespace of its
        # own, where binding the fleet's addresses needs no real interface.
        read -r t mb rc < <(measure unshare -n sh -c 'ip link set lo up; sysctl -qw net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1; exec "$@"' \
                            sh nginx -t -q -p "$d/ng" -c "$d/ng/nginx.conf")
        ratio=$(awk -v a="$t" -v b="$tn" 'BEGIN { if (b > 0) printf "%.1fx the time of bindc --target nginx", a / b }')
        [ "$rc" = 0 ] || ratio="$ratio; $(head -c 200 "$tmp/last.err")"
        row "$n" "nginx -t (on that output)" "$t" "$mb" "$rc" "$ratio"
    fi
    if [ -x "$apache2" ] && [ -f "$d/apache.conf" ]; then
        # apache2 -t reads what it would serve, certificates included, and
        # binds nothing.
        apache_main_conf "$d/ap" "$d/apache.conf" > "$d/ap.conf"
        mv "$d/ap.conf" "$d/ap/httpd.conf"
        read -r t mb rc < <(measure "$apache2" -t -f "$d/ap/httpd.conf")
        ratio=$(awk -v a="$t" -v b="$ta" 'BEGIN { if (b > 0) printf "%.1fx the time of bindc --target apache", a / b }')
        [ "$rc" = 0 ] || ratio="$ratio; $(head -c 200 "$tmp/last.err")"
        row "$n" "apache2 -t (on that output)" "$t" "$mb" "$rc" "$ratio"
    fi
    if command -v xmllint > /dev/null && [ -f "$d/out/applicationhost.config" ]; then
        read -r t mb rc < <(measure xmllint --noout "$d/out/applicationhost.config")
        row "$n" "xmllint --noout applicationhost.config" "$t" "$mb" "$rc"
    fi
    rm -rf "$d"
done
