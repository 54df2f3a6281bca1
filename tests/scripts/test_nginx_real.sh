#!/usr/bin/env bash
# The nginx target against a real nginx: every example and every clean golden
# case (first line `# expect: clean` or only W/I codes) compiles to a config
# that `nginx -t` accepts with no [warn] and no [emerg] — so no "duplicate
# listen options", no "conflicting server name" — and that has exactly one
# default_server per address:port.  Also a fleet of 3,000 sites and a
# 253-character host name, which need nginx's server_names hash sized, and
# user strings that need quoting.
#
# nginx runs as `nginx -t` only (nothing listens), with its own prefix, pid
# and logs in a temp dir; certificates are throw-away ones made with
# openssl, substituted for the paths the .bind files name.  Upstream host
# names in proxy_pass are replaced by 127.0.0.1, because nginx resolves
# them at start-up and this machine does not know them.
# Usage: test_nginx_real.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx not found (Debian package nginx-light)"; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 refused=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
real_only=0
[ "${2:-}" = --real-only ] && real_only=1

timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 2 -subj /CN=bindc-test > /dev/null 2>&1 || { echo "openssl failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$tmp/temp"
. "$src/tests/tools/nginx_conf.sh"
nginx_main_conf "$tmp" "$tmp/site.conf" > "$tmp/nginx.conf"

# Who answers: a shop-like configuration on loopback, started for real in a
# network namespace of its own; every request of a grid must reach the site
# `bindc route --server nginx` names (and, as nothing here draws W0407, the
# one the IIS rules name).  `nginx -t` alone cannot tell a wrong answer.
answers() {
    local d=$tmp/real
    mkdir -p "$d/temp"
    for s in Shop Fallback Exact Wild; do mkdir -p "$d/www/$s"; echo "$s" > "$d/www/$s/index.html"; done
    chmod 755 "$tmp" && chmod -R a+rX "$d"          # nginx's workers run as another user
    cat > "$d/real.bind" <<EOB
site Shop {
    root = "$d/www/Shop"
    http *:18080:shop.example
    http *:18080:www.shop.example
}
site Fallback {
    root = "$d/www/Fallback"
    http *:18080:
}
site Exact {
    root = "$d/www/Exact"
    http 127.0.0.2:18080:
}
site Wild {
    root = "$d/www/Wild"
    http *:18080:*.wild.example
}
EOB
    "$bindc" compile "$d/real.bind" --target nginx -o "$d/site.conf" 2> "$d/diags" || { bad "real: compile"; cat "$d/diags"; return; }
    nginx_main_conf "$d" "$d/site.conf" > "$d/nginx.conf"
    "$nginx" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" -g 'daemon on;' > "$d/start.out" 2>&1 || { bad "real: nginx did not start"; cat "$d/start.out"; return; }
    for ip in 127.0.0.1 127.0.0.2; do
        for host in shop.example www.shop.example Shop.Example a.wild.example b.a.wild.example wild.example other.example; do
            local got want iis
            got=$(curl -s --max-time 5 -H "Host: $host" "http://$ip:18080/" 2>/dev/null)
            want=$("$bindc" route "$d/real.bind" "http://$host:18080/" --local-ip "$ip" --server nginx 2>/dev/null | sed -n 's/^site: *//p')
            iis=$("$bindc" route "$d/real.bind" "http://$host:18080/" --local-ip "$ip" 2>/dev/null | sed -n 's/^site: *//p')
            if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$iis" = "$want" ]; then ok
            else bad "real: $host on $ip answered by '$got'; route --server nginx says '$want', the IIS rules '$iis'"; fi
        done
    done
    kill "$(cat "$d/nginx.pid")" 2> /dev/null
}
if [ $real_only = 1 ]; then
    answers
    echo "$pass passed, $fail failed"
    [ $fail = 0 ]
    exit
fi

# Every listen socket has exactly one default_server.
one_default_per_socket() {
    awk '
        /^[ \t]*listen / {
            line = $0; sub(/^[ \t]*listen /, "", line); sub(/;.*/, "", line)
            n = split(line, w, " "); sock = w[1]; if (sock ~ /^[0-9]+$/) sock = "*:" sock
            seen[sock] = 1
            for (i = 2; i <= n; i++) if (w[i] == "default_server") defaults[sock]++
        }
        END {
            bad = 0
            for (s in seen) if (defaults[s] != 1) { print "  socket " s " has " (defaults[s] + 0) " default_server"; bad = 1 }
            exit bad
        }' "$1"
}

# check NAME DIR FILE [ARGS...]: compile, substitute the certificate files, nginx -t.
check() {
    local name=$1 dir=$2 file=$3
    shift 3
    (cd "$dir" && "$bindc" compile "$file" "$@" --target nginx -o "$tmp/out.conf" --diagnostics-format json) \
        > /dev/null 2> "$tmp/diags"
    local rc=$?
    if [ $rc != 0 ]; then
        # The nginx target must refuse a certificate without pem/key, and only that.
        if [ $rc = 1 ] && grep -q '"code":"E0304"' "$tmp/diags" &&
           ! grep '"severity":"error"' "$tmp/diags" | grep -qv '"code":"E0304"'; then
            refused=$((refused + 1)); ok; return
        fi
        bad "$name: bindc compile --target nginx exited $rc"; cat "$tmp/diags"; return
    fi
    perl -pe 's{^(\s*ssl_certificate) "(?:[^"\\]|\\.)*";}{$1 "'"$tmp"'/cert.pem";};
              s{^(\s*ssl_certificate_key) "(?:[^"\\]|\\.)*";}{$1 "'"$tmp"'/key.pem";};
              s{^(\s*proxy_pass "https?://)(\[[^\]]*\]|[^:/"]*)}{${1}127.0.0.1}' \
        "$tmp/out.conf" > "$tmp/site.conf"
    if ! timeout 30 "$nginx" -t -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" > "$tmp/t.out" 2>&1; then
        bad "$name: nginx -t failed"; cat "$tmp/t.out"; return
    fi
    if grep -E '\[(warn|emerg|alert|crit)\]' "$tmp/t.out"; then bad "$name: nginx -t warned"; return; fi
    if ! one_default_per_socket "$tmp/site.conf"; then bad "$name: default_server count"; return; fi
    ok
}

for f in "$src"/examples/*.bind; do
    # examples/mistakes.bind is made of errors on purpose.
    case $(basename "$f") in mistakes.bind) continue ;; esac
    check "examples/$(basename "$f")" "$src/examples" "$(basename "$f")"
done

golden="$src/tests/golden/check"
for f in "$golden"/*.bind; do
    want=$(head -n 1 "$f" | sed -n 's/^# expect: *//p')
    [ -n "$want" ] || continue
    codes=$(echo "$want" | tr ' ' '\n' | grep -v '^clean$' | grep -v '^[WI][0-9]*$')
    [ -z "$codes" ] || continue
    c=$(basename "$f" .bind)
    args=()
    [ -f "$golden/$c.args" ] && read -r -a args < "$golden/$c.args"
    # --werror is a case about warnings, not about the nginx output.
    keep=()
    for a in "${args[@]}"; do [ "$a" = --werror ] || keep+=("$a"); done
    check "golden/$c" "$golden" "$c.bind" "${keep[@]}"
done

# A fleet: 3,000 sites with two names each on one socket, plus IP-based ones.
{
    echo "platform iis10"
    for i in $(seq 1 3000); do
        printf 'site s%d {\n    http *:8080:site%d.customer%d.example\n    http *:8080:www.site%d.customer%d.example\n}\n' "$i" "$i" "$i" "$i" "$i"
    done
    for i in $(seq 1 20); do printf 'site ip%d {\n    http 10.1.0.%d:8080:\n}\n' "$i" "$i"; done
} > "$tmp/fleet.bind"
check "fleet of 3,020 sites" "$tmp" fleet.bind

# The longest host name the language allows (253 characters).
long=$(printf 'a%.0s' $(seq 1 63)).$(printf 'b%.0s' $(seq 1 63)).$(printf 'c%.0s' $(seq 1 63)).$(printf 'd%.0s' $(seq 1 61))
printf 'site long {\n    http *:8081:%s\n    http *:8081:*.%s\n}\n' "$long" "${long#*.}" > "$tmp/long.bind"
check "253-character host name" "$tmp" long.bind

# User strings nginx must read back as written: quotes, backslashes, `;`,
# braces and `#` in a root, a site name with quotes in a comment.
printf 'site "Odd \\"name\\" #1" {\n    root = "/srv/a \\"q\\" \\\\ b;{}# c"\n    http *:8082:\n}\n' > "$tmp/odd.bind"
check "quoted strings" "$tmp" odd.bind
grep -qF 'root "/srv/a \"q\" \\ b;{}# c";' "$tmp/site.conf" || bad "quoted strings: root not quoted as expected"

if [ -z "${BINDC_NGINX_NETNS:-}" ]; then
    # Run the real part in a namespace whose only interface is loopback.
    ns=""
    for u in "unshare -n" "unshare -rn"; do $u true 2> /dev/null && { ns=$u; break; }; done
    if [ -z "$ns" ]; then bad "real: cannot create a network namespace for nginx"
    else
        out=$($ns env BINDC_NGINX_NETNS=1 BINDC_SOURCE_DIR="$src" bash -c '
            ip link set lo up 2> /dev/null
            "$0" "$1" --real-only' "$0" "$bindc" 2>&1)
        echo "$out" | grep '^FAIL' || true
        p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p'); f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
        [ -n "$p" ] || { bad "real: no result"; echo "$out"; }
        pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
    fi
fi

echo "($refused refused with E0304, as the nginx target must)"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
