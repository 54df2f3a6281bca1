#!/usr/bin/env bash
# Differential test: `bindc route` against a real nginx serving what the
# nginx target writes.
#
# Random binding sets — addresses `*`, 0.0.0.0, [::], 127.0.0.1-3 and [::1],
# two high ports each (http or https), exact and wildcard hosts, catch-alls,
# several sites — are compiled with --target nginx and served by one real
# nginx per batch; each site's root answers with the site's name.  A grid
# of requests (local address x port x Host x, for https, the TLS server
# name: the Host's, none, or another) goes to nginx with curl (SNI comes
# from --connect-to's name; none from a URL by address with a Host header),
# and every answer must equal what `bindc route --server nginx [--sni NAME |
# --no-sni]` says ("no site" when it exits 3) for every https request and
# every third http one; and what `bindc route` says under the IIS rules
# (HTTP.sys's handshake included) for every request whose SNI is the
# Host's or none: HTTP.sys picks a certificate by an SNI on any address,
# nginx only among the server names of the connection's socket, so another
# name than the Host's is nginx's own.  The sets are chosen so that nginx
# can express them: none may draw W0407.  Fixed cases come first: the seed
# scenarios, and every disagreement ever found.
#
# nginx listens on `*:port`, so everything runs inside a private network
# namespace (unshare -n) whose only interface is loopback: 127.0.0.0/8 and
# [::1], nothing else.  The number of sets is fixed, never a time budget, so
# a slow machine (the sanitizer build, a loaded CI) runs the same test as a
# fast one; the seed is printed and BINDC_DIFF_SEED=N replays it
# (BINDC_DIFF_SETS=N changes how many sets).
# Usage: test_differential.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
seed=${BINDC_DIFF_SEED:-20240611}
nsets=${BINDC_DIFF_SETS:-100}
batch=30
per_set=30
jobs=$(nproc 2>/dev/null || echo 2)

# ---- into a network namespace of our own -----------------------------------
if [ -z "${BINDC_DIFF_NETNS:-}" ]; then
    for u in "unshare -n" "unshare -rn"; do
        if $u true 2>/dev/null; then
            exec $u env BINDC_DIFF_NETNS=1 "$0" "$@"
        fi
    done
    echo "cannot create a network namespace (unshare -n / unshare -rn): nginx would listen on real interfaces"
    echo "0 passed, 1 failed"
    exit 1
fi
ip link set lo up || { echo "cannot bring up loopback (iproute2)"; echo "0 passed, 1 failed"; exit 1; }
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
nginx=$(command -v nginx || echo /usr/sbin/nginx)
for t in "$nginx" curl openssl; do
    command -v "$t" > /dev/null || { echo "missing $t"; echo "0 passed, 1 failed"; exit 1; }
done

tmp=$(mktemp -d)
chmod 755 "$tmp"
cleanup() {
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
start=$(date +%s)
echo "seed $seed ($nsets random sets; replay with BINDC_DIFF_SEED=$seed)"

timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 -subj /CN=bindc-test > /dev/null 2>&1 \
    || { echo "openssl failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$tmp/www" "$tmp/temp" "$tmp/sets"
for s in S1 S2 S3 S4 H I C W E A B X Y; do mkdir -p "$tmp/www/$s"; echo "$s" > "$tmp/www/$s/index.html"; done
# nginx's own default root (html/ under the prefix), as an installed nginx
# has it: a server without root that does not refuse serves this page, and
# the page is no site's name, so the comparison sees it.
mkdir -p "$tmp/html" && echo "nginx-default-page" > "$tmp/html/index.html"
chmod -R a+rX "$tmp/www" "$tmp/html"

locals=(127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
v6=0
if ip -6 addr show dev lo 2> /dev/null | grep -q '::1/128'; then v6=1; locals+=(::1); fi
[ $v6 = 1 ] || echo "note: no IPv6 on loopback here; [::1] and [::] are left out"

pass=0 fail=0
failures=0

# ---- nginx, one instance per batch -------------------------------------------
start_nginx() {  # CONF_FILES...
    {
        echo "user root root;"
        echo "worker_processes 1;"
        echo "pid $tmp/nginx.pid;"
        echo "events { worker_connections 256; }"
        echo "http {"
        echo "    access_log off;"
        for d in client_body proxy fastcgi uwsgi scgi; do echo "    ${d}_temp_path $tmp/temp/$d;"; done
        for f in "$@"; do echo "    include $f;"; done
        echo "}"
    } > "$tmp/nginx.conf"
    if ! timeout 30 "$nginx" -t -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" > "$tmp/t.out" 2>&1 ||
       grep -q '\[warn\]' "$tmp/t.out"; then
        cat "$tmp/t.out"; return 1
    fi
    timeout 30 "$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" || return 1
    for _ in $(seq 50); do [ -s "$tmp/nginx.pid" ] && return 0; sleep 0.1; done
    return 1
}
stop_nginx() {
    [ -f "$tmp/nginx.pid" ] || return 0
    local pid
    pid=$(cat "$tmp/nginx.pid")
    kill "$pid" 2> /dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    rm -f "$tmp/nginx.pid"
}

# ---- probes --------------------------------------------------------------------
# A probe line: ID FILE PROTO HOST PORT LOCAL HOSTHEADER SNI IIS [EXPECTED];
# HOST "@" means the URL names the local address itself, HOSTHEADER "-" the
# URL's; SNI "=" what a browser sends (the Host's name, none for an
# address), "-" none, else that name; IIS 1 when the IIS rules must agree.
# Forks are what costs here: one bindc per route, one curl per set.
route_part() {  # PROBES N SERVER-ARGS...: every jobs-th probe from the N-th
    local probes=$1 n=$2 i=0 id file proto host port local hdr sni iis want url out rc lit sniarg
    shift 2
    while read -r id file proto host port local hdr sni iis want; do
        i=$((i + 1))
        [ $((i % jobs)) = "$n" ] || continue
        [ $# = 0 ] && [ "$iis" = 0 ] && continue
        case $local in *:*) lit="[$local]" ;; *) lit=$local ;; esac
        # The URL's port is the connection's; a port in the Host header changes nothing.
        if [ "$host" = @ ]; then url="$proto://$lit:$port/"
        elif [ "$hdr" != - ]; then url="$proto://${hdr%%:*}:$port/"
        else url="$proto://$host:$port/"; fi
        sniarg=()
        case $sni in =) ;; -) sniarg=(--no-sni) ;; *) sniarg=(--sni "$sni") ;; esac
        out=$("$bindc" route "$file" "$url" --local-ip "$local" "${sniarg[@]}" "$@" 2> /dev/null); rc=$?
        case $rc in
        0) out=${out%%$'\n'*}; out=${out#site:}; echo "$id ${out// /}" ;;
        3) echo "$id -" ;;
        *) echo "$id ERROR$rc" ;;
        esac
    done < "$probes"
}

route_all() {  # PROBES OUT [--server nginx]
    local probes=$1 out=$2 n
    shift 2
    for ((n = 0; n < jobs; n++)); do route_part "$probes" $n "$@" > "$tmp/route.part.$n" & done
    wait
    sort -n "$tmp"/route.part.* > "$out"
    rm -f "$tmp"/route.part.*
}

. "$src/tests/scripts/probe_curl.sh"

# compare PROBES: runs both routes and nginx; every answer must agree (and
# equal the expected one where a fixed case gives it).  Prints each
# disagreement with its set, so that it can become a fixed case.
compare() {
    route_all "$1" "$tmp/iis.out"
    # nginx's algorithm over the plan is what W0407 relies on; every third
    # http request is enough here (test_nginx_plan compares it with the IIS
    # rules over thousands of sets); every https one, for the handshake.
    awk 'NR % 3 == 0 || NF >= 10 || $3 == "https"' "$1" > "$tmp/probes.nginx"
    route_all "$tmp/probes.nginx" "$tmp/ngx.out" --server nginx
    curl_all "$1" "$tmp/real.out"
    awk -v iis="$tmp/iis.out" -v ngx="$tmp/ngx.out" -v real="$tmp/real.out" '
        BEGIN {
            while ((getline l < iis) > 0) { split(l, f, " "); a[f[1]] = f[2] }
            while ((getline l < ngx) > 0) { split(l, f, " "); b[f[1]] = f[2] }
            while ((getline l < real) > 0) { split(l, f, " "); c[f[1]] = f[2] }
        }
        {
            id = $1; want = (NF >= 10) ? $10 : c[id]
            if (!(id in a)) a[id] = c[id]
            if (!(id in b)) b[id] = c[id]
            if (c[id] != want || b[id] != c[id] || a[id] != c[id]) {
                bad++
                if (bad <= 20) printf "DISAGREE %s: %s host=%s header=%s sni=%s port=%s local=%s: expected=%s bindc-route=%s route-nginx=%s real-nginx=%s\n", \
                    $2, $3, $4, $7, $8, $5, $6, want, $9 ? a[id] : "(not asked)", b[id], c[id]
                if (!(($2) in shown) && bad <= 20) { shown[$2] = 1; files = files " " $2 }
            }
        }
        END { if (bad) { print bad " disagreements; the sets:" > "/dev/stderr"; print files > "'"$tmp"'/bad.files" } exit bad > 0 }
    ' "$1" 2>&1
    local rc=$?
    if [ $rc != 0 ] && [ -f "$tmp/bad.files" ]; then
        for f in $(cat "$tmp/bad.files"); do echo "---- $f"; cat "$f"; done
        rm -f "$tmp/bad.files"
    fi
    return $rc
}

# ---- the command line itself -------------------------------------------------
out=$("$bindc" route "$src/examples/shop.bind" http://www.shop.example/ 2> /dev/null); rc=$?
if [ $rc = 0 ] && [[ $out == *"site:    Shop"* ]] && [[ $out == *"binding: http *:80:www.shop.example"* ]] &&
   [[ $out == *"reason:  host name match beats catch-all binding *:80: of site \`Fallback\`"* ]]; then
    pass=$((pass + 1))
else
    echo "FAIL bindc route examples/shop.bind http://www.shop.example/ (exit $rc):"; echo "$out"; fail=$((fail + 1))
fi
out=$("$bindc" route "$src/examples/shop.bind" https://nobody.example/ 2> /dev/null); rc=$?
if [ $rc = 3 ] && [[ $out == "no site: "* ]]; then pass=$((pass + 1)); else echo "FAIL route with no site: exit $rc"; echo "$out"; fail=$((fail + 1)); fi

# ---- fixed cases: the seed scenarios and every disagreement found so far ------
# fixed NAME PORT BIND_TEXT, then probe lines on stdin: PROTO HOST PORT LOCAL
# SNI EXPECTED (`-`: no site; HOST `@`: the URL names the local address; SNI
# `=` the Host's, `-` none, else that name; @PORT@ in the text and the lines
# is PORT).
fixed() {
    local name=$1 port=$2 text=$3 file="$tmp/sets/fixed-$1.bind"
    if [ $v6 = 0 ] && [[ $text == *'[::'* ]]; then cat > /dev/null; return; fi
    printf '%s\n' "$text" | sed "s|@PORT@|$port|g; s|@WWW@|$tmp/www|g; s|@CERT@|$tmp|g" > "$file"
    while read -r proto host p local sni want; do
        [ -z "$proto" ] && continue
        case $local in *:*) [ $v6 = 1 ] || continue ;; esac
        echo "$proto $host ${p//@PORT@/$port} $local $sni $want"
    done > "$tmp/fixed-$name.want"
}
CERT='cert t {
    thumbprint = "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394"
    pem = "@CERT@/cert.pem"
    key = "@CERT@/key.pem"
}'

fixed host-beats-ip 18001 "site H {
    root = \"@WWW@/H\"
    http *:@PORT@:h.example
}
site I {
    root = \"@WWW@/I\"
    http 127.0.0.2:@PORT@:
}" <<'EOF'
http h.example @PORT@ 127.0.0.2 = H
http other.example @PORT@ 127.0.0.2 = I
http h.example @PORT@ 127.0.0.1 = H
http other.example @PORT@ 127.0.0.1 = -
http h.example @PORT@ ::1 = H
EOF
fixed ip-beats-catch-all 18002 "site I {
    root = \"@WWW@/I\"
    http 127.0.0.2:@PORT@:
}
site C {
    root = \"@WWW@/C\"
    http *:@PORT@:
}" <<'EOF'
http other.example @PORT@ 127.0.0.2 = I
http other.example @PORT@ 127.0.0.1 = C
http @ @PORT@ 127.0.0.2 = I
http @ @PORT@ ::1 = C
EOF
fixed catch-all-last 18003 "site C {
    root = \"@WWW@/C\"
    http *:@PORT@:
}
site W {
    root = \"@WWW@/W\"
    http *:@PORT@:*.w.example
}
site E {
    root = \"@WWW@/E\"
    http *:@PORT@:e.w.example
}" <<'EOF'
http e.w.example @PORT@ 127.0.0.1 = E
http x.w.example @PORT@ 127.0.0.1 = W
http y.x.w.example @PORT@ 127.0.0.1 = W
http w.example @PORT@ 127.0.0.1 = C
http other.example @PORT@ 127.0.0.1 = C
EOF
fixed unknown-host-no-catch-all 18004 "$CERT
site A {
    root = \"@WWW@/A\"
    http *:@PORT@:a.example
}
site B {
    root = \"@WWW@/B\"
    https *:18005:b.example cert=t sni
}" <<'EOF'
http a.example @PORT@ 127.0.0.1 = A
http zz.example @PORT@ 127.0.0.1 = -
http @ @PORT@ 127.0.0.1 = -
EOF
# IIS puts every wildcard on an address before any wildcard on the any tier;
# nginx takes the longest, so *.a.example must stay off 127.0.0.2's socket.
fixed wildcard-tiers 18006 "site W {
    root = \"@WWW@/W\"
    http 127.0.0.2:@PORT@:*.example
}
site X {
    root = \"@WWW@/X\"
    http *:@PORT@:*.a.example
    http *:@PORT@:a.example
}" <<'EOF'
http b.a.example @PORT@ 127.0.0.2 = W
http b.a.example @PORT@ 127.0.0.1 = X
http a.example @PORT@ 127.0.0.2 = X
http q.example @PORT@ 127.0.0.2 = W
http q.example @PORT@ 127.0.0.1 = -
EOF
# 0.0.0.0 and [::] are one family each; `*` both.
fixed families 18007 "site X {
    root = \"@WWW@/X\"
    http 0.0.0.0:@PORT@:
}
site Y {
    root = \"@WWW@/Y\"
    http [::]:@PORT@:
    http *:18008:y.example
}" <<'EOF'
http other.example @PORT@ 127.0.0.3 = X
http other.example @PORT@ ::1 = Y
EOF
# TLS: a named server beside the generated refusing default server.
fixed tls-refusing-default 18009 "$CERT
site A {
    root = \"@WWW@/A\"
    https *:@PORT@:a.example cert=t sni
    https 127.0.0.2:@PORT@: cert=t
}" <<'EOF'
https a.example @PORT@ 127.0.0.1 = A
https zz.example @PORT@ 127.0.0.1 = -
https zz.example @PORT@ 127.0.0.2 = A
https a.example @PORT@ 127.0.0.2 = A
EOF

# TLS by SNI: the Host's name, none (HTTP.sys resets, nginx's generated
# default server rejects), another server's name (its certificate, then
# the Host's site: no 421), a name no server has, a URL by address.
fixed tls-sni 18010 "$CERT
site A {
    root = \"@WWW@/A\"
    https *:@PORT@:a.example cert=t sni
}
site B {
    root = \"@WWW@/B\"
    https *:@PORT@:b.example cert=t sni
}" <<'EOF'
https a.example @PORT@ 127.0.0.1 = A
https a.example @PORT@ 127.0.0.1 - -
https a.example @PORT@ 127.0.0.1 b.example A
https a.example @PORT@ 127.0.0.1 zz.example -
https @ @PORT@ 127.0.0.1 = -
https b.example @PORT@ ::1 = B
https b.example @PORT@ ::1 - -
EOF
# An IP:port certificate (a binding without SNI): clients without SNI, or
# with a name no record has, get it; nginx's generated default server
# presents it, then answers 404 for unknown hosts.
fixed tls-ipport 18012 "$CERT
site A {
    root = \"@WWW@/A\"
    https *:@PORT@:a.example cert=t
}
site B {
    root = \"@WWW@/B\"
    https *:@PORT@:b.example cert=t sni
    https 127.0.0.2:@PORT@:c.example cert=t
}" <<'EOF'
https a.example @PORT@ 127.0.0.1 - A
https b.example @PORT@ 127.0.0.1 - B
https zz.example @PORT@ 127.0.0.1 - -
https a.example @PORT@ 127.0.0.1 zz.example A
https c.example @PORT@ 127.0.0.2 - B
https c.example @PORT@ 127.0.0.1 - -
https @ @PORT@ 127.0.0.2 = -
EOF

# ---- random sets ---------------------------------------------------------------
RANDOM=$seed
addrs=('*' '*' '0.0.0.0' '127.0.0.1' '127.0.0.2' '127.0.0.2' '127.0.0.3')
[ $v6 = 1 ] && addrs+=('[::]' '[::1]')
hosts=('' '' 'a.example' 'b.example' 'www.a.example' 'c.a.example' '*.a.example' '*.example' '*.c.a.example')
probe_hosts=(a.example b.example www.a.example c.a.example x.a.example y.c.a.example q.example zz.other @)

gen_set() {  # K -> set file
    local k=$1 file="$tmp/sets/set$k.bind"
    local p1=$((20000 + 2 * (k % 5000))) p2
    p2=$((p1 + 1))
    local proto1=http proto2=http
    [ $((RANDOM % 10)) -lt 3 ] && proto1=https
    [ $((RANDOM % 10)) -lt 3 ] && proto2=https
    local -A used=()
    {
        echo "platform iis10"
        printf '%s\n' "$CERT" | sed "s|@CERT@|$tmp|g"
        local nsites=$((2 + RANDOM % 3)) s b
        for ((s = 1; s <= nsites; s++)); do
            echo "site S$s {"
            echo "    root = \"$tmp/www/S$s\""
            local nb=$((1 + RANDOM % 3))
            for ((b = 0; b < nb; b++)); do
                local port=$p1 proto=$proto1
                if [ $((RANDOM % 2)) = 1 ]; then port=$p2; proto=$proto2; fi
                local addr=${addrs[RANDOM % ${#addrs[@]}]} host=${hosts[RANDOM % ${#hosts[@]}]}
                local key="$port|$host|"
                # E0201: `*` overlaps 0.0.0.0 and [::].
                case $addr in
                '*') [ -n "${used[$key*]:-}${used[${key}0.0.0.0]:-}${used[$key[::]]:-}" ] && continue ;;
                0.0.0.0|'[::]') [ -n "${used[$key*]:-}${used[$key$addr]:-}" ] && continue ;;
                *) [ -n "${used[$key$addr]:-}" ] && continue ;;
                esac
                used[$key$addr]=1
                local opts=""
                # Host names mostly with SNI; without it HTTP.sys keeps the
                # certificate per IP:port, and so does the refusing server.
                if [ $proto = https ]; then opts=" cert=t"; [ -n "$host" ] && [ $((RANDOM % 10)) -lt 7 ] && opts="$opts sni"; fi
                echo "    $proto $addr:$port:$host$opts"
            done
            echo "}"
        done
    } > "$file"
    echo "$file $p1 $proto1 $p2 $proto2"
}

# ---- run -----------------------------------------------------------------------
run_batch() {  # PROBES CONFS...
    local probes=$1
    shift
    if ! start_nginx "$@"; then echo "FAIL nginx did not start"; fail=$((fail + 1)); return 1; fi
    compare "$probes"
    local rc=$?
    stop_nginx
    return $rc
}

# Fixed cases: one batch.
: > "$tmp/probes"
confs=()
id=0
for w in "$tmp"/fixed-*.want; do
    name=$(basename "$w" .want); name=${name#fixed-}
    file="$tmp/sets/fixed-$name.bind"
    if ! "$bindc" compile "$file" --target nginx -o "$tmp/sets/fixed-$name.conf" 2> "$tmp/diags"; then
        echo "FAIL fixed $name: compile"; cat "$tmp/diags"; fail=$((fail + 1)); continue
    fi
    if grep -q W0407 "$tmp/diags"; then echo "FAIL fixed $name: W0407"; cat "$tmp/diags"; fail=$((fail + 1)); fi
    confs+=("$tmp/sets/fixed-$name.conf")
    while read -r proto host port local sni want; do
        id=$((id + 1))
        iis=1
        case $sni in =|-) ;; *) iis=0 ;; esac
        echo "$id $file $proto $host $port $local - $sni $iis $want" >> "$tmp/probes"
    done < "$w"
done
if run_batch "$tmp/probes" "${confs[@]}"; then pass=$((pass + 1)); else echo "FAIL fixed cases"; fail=$((fail + 1)); fi
echo "fixed cases: $id probes"

done_sets=0
for ((first = 0; first < nsets; first += batch)); do
    : > "$tmp/probes"
    confs=()
    id=0
    for ((k = first; k < first + batch && k < nsets; k++)); do
        # In this shell, not a subshell: bash seeds $RANDOM anew in each
        # subshell, and the sets would not be the seed's.
        gen_set $k > "$tmp/set.info"
        read -r file p1 proto1 p2 proto2 < "$tmp/set.info"
        if ! "$bindc" compile "$file" --target nginx -o "${file%.bind}.conf" 2> "$tmp/diags"; then
            echo "FAIL set $k (seed $seed): does not compile"; cat "$tmp/diags" "$file"; fail=$((fail + 1)); continue
        fi
        if grep -q W0407 "$tmp/diags"; then
            echo "FAIL set $k (seed $seed): W0407 on a set nginx can express"; cat "$tmp/diags" "$file"; fail=$((fail + 1))
        fi
        confs+=("${file%.bind}.conf")
        # Requests drawn from the grid local address x port x Host.
        for ((q = 0; q < per_set; q++)); do
            local=${locals[RANDOM % ${#locals[@]}]}
            if [ $((RANDOM % 2)) = 0 ]; then port=$p1 proto=$proto1; else port=$p2 proto=$proto2; fi
            host=${probe_hosts[RANDOM % ${#probe_hosts[@]}]}
            hdr=-
            # Now and then the Host header differs in case, or names another port.
            if [ "$host" != @ ]; then
                case $((RANDOM % 12)) in
                0) hdr="$(echo "$host" | tr a-z A-Z):$port" ;;
                1) hdr="$host:1" ;;
                esac
            fi
            # TLS: SNI as browsers send it, none, or another name; the IIS
            # rules take part but for another name.
            sni== iis=1
            if [ $proto = https ] && [ "$host" != @ ]; then
                case $((RANDOM % 6)) in
                0) sni=- ;;
                1) sni=${probe_hosts[RANDOM % (${#probe_hosts[@]} - 1)]}; iis=0 ;;
                esac
            fi
            id=$((id + 1))
            echo "$id $file $proto $host $port $local $hdr $sni $iis" >> "$tmp/probes"
        done
        done_sets=$((done_sets + 1))
    done
    if run_batch "$tmp/probes" "${confs[@]}"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

echo "$done_sets random sets, $((done_sets * per_set)) requests, $(( $(date +%s) - start ))s; seed $seed"
[ "$done_sets" = "$nsets" ] || { echo "FAIL $done_sets of $nsets random sets ran"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ $fail = 0 ]
