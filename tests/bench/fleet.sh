#!/usr/bin/env bash
# Fleet benchmark: a deterministic fleet of N sites (2 bindings each: http
# and https with SNI on a wildcard certificate, every 10th site also on an
# exact IPv4 address, every 25th on IPv6, every 50th a catch-all), then the
# wall time (median of RUNS) and peak RSS of `bindc check` and
# `bindc compile --target all`, and `nginx -t` on the emitted nginx.conf.
# Prints figures; never fails on time.
#   tests/bench/fleet.sh BINDC [N_SITES...]      (default 10000 100000)
set -u
bindc=$1; shift
sizes=("$@"); [ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gen() {  # N -> fleet.bind
    perl -e '
        my $n = shift;
        print "platform iis10\n\ncert wild {\n    thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\"\n";
        print "    names      = *.fleet.example\n    pem        = \"/etc/ssl/wild.pem\"\n    key        = \"/etc/ssl/wild.key\"\n}\n";
        for my $i (1..$n) {
            my $ip = $i % 10 == 0 ? sprintf("10.%d.%d.%d", ($i >> 16) & 255, ($i >> 8) & 255, $i & 255) : "*";
            $ip = sprintf("[2001:db8::%x]", $i) if $i % 25 == 0;
            my $host = $i % 50 == 0 ? "" : "s$i.fleet.example";
            print "\nsite s$i {\n    http  $ip:80:$host\n";
            print "    https *:443:s$i.fleet.example  cert=wild sni\n" ;
            print "}\n";
        }' "$1" > "$tmp/fleet.bind"
}

measure() {  # LABEL CMD... -> "median_s peak_MB"
    local label=$1; shift
    local times=() rss=0
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" > /dev/null 2>&1
        read -r t m < <(tail -n 1 "$tmp/t")
        times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    printf '%-34s %8s s %8d MB\n' "$label" "$med" $((rss / 1024))
    echo "$med"
}

printf 'machine: %s, %s cores; median of %s runs\n' "$(uname -m)" "$(nproc)" "$runs"
for n in "${sizes[@]}"; do
    gen "$n"
    bytes=$(stat -c %s "$tmp/fleet.bind")
    echo "== $n sites, $((n * 2)) bindings, $((bytes / 1024)) KiB"
    t=$(measure "bindc check" "$bindc" check "$tmp/fleet.bind" | tee /dev/stderr | tail -1) 2>&1
    awk -v t="$t" -v b="$bytes" -v n="$((n * 2))" 'BEGIN { if (t > 0) printf "  throughput: %.1f MB/s, %.0f bindings/s\n", b / t / 1e6, n / t }'
    measure "bindc compile --target all" "$bindc" compile "$tmp/fleet.bind" --target all -o "$tmp/out" | head -1
    measure "bindc compile --target nginx" "$bindc" compile "$tmp/fleet.bind" --target nginx -o "$tmp/nginx.conf" | head -1
    if command -v nginx > /dev/null && [ -f "$tmp/nginx.conf" ]; then
        mkdir -p "$tmp/ng/logs"
        printf 'error_log %s/ng/error.log;\npid %s/ng/nginx.pid;\nevents {}\nhttp {\n    include %s/nginx.conf;\n}\n' "$tmp" "$tmp" "$tmp" > "$tmp/ng/nginx.conf"
        touch /etc/ssl/wild.pem 2>/dev/null || true
        measure "nginx -t (same config)" nginx -t -q -p "$tmp/ng" -c "$tmp/ng/nginx.conf" | head -1
    fi
    command -v xmllint > /dev/null && [ -f "$tmp/out/applicationhost.config" ] && \
        measure "xmllint --noout applicationhost.config" xmllint --noout "$tmp/out/applicationhost.config" | head -1
done
