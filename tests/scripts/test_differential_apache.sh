#!/usr/bin/env bash
# Differential test: a real Apache httpd serving what the apache target
# writes, against `bindc route --server apache` and the IIS rules.
#
# Random binding sets — addresses `*`, 127.0.0.1-3 and [::1] (0.0.0.0 and
# [::] in every third set), two high ports each (http or https), exact and
# wildcard hosts, catch-alls, two certificates, SNI or not, several sites —
# are compiled with --target apache and served by one real Apache per
# batch; each site's root answers with the site's name.  A grid of requests
# (local address x port x Host x SNI: the Host's name, none, or another
# name) goes to Apache with curl, and every answer must equal what
# `bindc route --server apache [--sni NAME]` says ("no site" when it exits
# 3; any refusal — 404, 400, 421, a failed handshake — is "no site" from
# Apache); and wherever neither the check nor the target reported W0407,
# every request whose SNI names its Host (what browsers send) must also
# equal what `bindc route --server iis` says under the IIS rules, HTTP.sys's
# TLS handshake included.  Every fifth set is
# made of `server = apache` sites whose exact addresses speak another
# protocol than the any tier (W0407: one protocol per address:port).
# Fixed cases come first: the seed scenarios, and every disagreement found.
#
# Apache listens on `*:port`, so everything runs inside a private network
# namespace (unshare -n, or -rn without root) whose only interface is
# loopback: 127.0.0.0/8 and [::1].  The number of sets is fixed, never a
# time budget; the seed is printed and BINDC_DIFF_SEED=N replays it
# (BINDC_DIFF_SETS=N changes how many sets; test_differential_apache_long.sh
# runs 120 of another seed).  Until `bindc route` takes `--server apache`,
# only the IIS half is compared (said so on the output).
# Usage: test_differential_apache.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
seed=${BINDC_DIFF_SEED:-20261207}
nsets=${BINDC_DIFF_SETS:-100}
batch=20
per_set=30
jobs=$(nproc 2>/dev/null || echo 2)

# ---- into a network namespace of our own -----------------------------------
if [ -z "${BINDC_DIFF_NETNS:-}" ]; then
    for u in "unshare -n" "unshare -rn"; do
        if $u true 2>/dev/null; then
            exec $u env BINDC_DIFF_NETNS=1 "$0" "$@"
        fi
    done
    echo "cannot create a network namespace (unshare -n / unshare -rn): Apache would listen on real interfaces"
    echo "0 passed, 1 failed"
    exit 1
fi
ip link set lo up || { echo "cannot bring up loopback (iproute2)"; echo "0 passed, 1 failed"; exit 1; }
. "$src/tests/scripts/apache_conf.sh"
for t in "$apache2" curl openssl; do
    command -v "$t" > /dev/null || { echo "missing $t"; echo "0 passed, 1 failed"; exit 1; }
done

tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'apache_stop "$tmp"; rm -rf "$tmp"' EXIT
start=$(date +%s)
echo "seed $seed ($nsets random sets; replay with BINDC_DIFF_SEED=$seed)"

for c in t u; do
    timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$tmp/$c.key" -out "$tmp/$c.pem" -days 2 -subj "/CN=bindc-test-$c" > /dev/null 2>&1 \
        || { echo "openssl failed"; echo "0 passed, 1 failed"; exit 1; }
done
mkdir -p "$tmp/www" "$tmp/sets"
for s in S1 S2 S3 S4 H I C W E A B X Y; do mkdir -p "$tmp/www/$s"; echo "$s" > "$tmp/www/$s/index.html"; done
chmod -R a+rX "$tmp/www"

locals=(127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4)
v6=0
if ip -6 addr show dev lo 2> /dev/null | grep -q '::1/128'; then v6=1; locals+=(::1); fi
[ $v6 = 1 ] || echo "note: no IPv6 on loopback here; [::1] and [::] are left out"

pass=0 fail=0

# Does this bindc route over Apache's rules?
printf 'site A {\n    http *:80:\n}\n' > "$tmp/probe.bind"
"$bindc" route "$tmp/probe.bind" http://a.example/ --server apache > /dev/null 2>&1
if [ $? = 2 ]; then
    router=0
    echo "NOTE: this bindc has no \`route --server apache\` (compiler/driver/cmd_route.c): real Apache is compared with the IIS rules only"
else
    router=1
fi

# ---- probes --------------------------------------------------------------------
# A probe line: ID FILE PROTO HOST PORT LOCAL HOSTHEADER SNI IIS [EXPECTED];
# HOST "@" means the URL names the local address itself, HOSTHEADER "-" the
# URL's; SNI "=" what a browser sends (the Host's name, none for an
# address), "-" none, else that name; IIS 1 when the IIS rules must agree.
route_part() {  # PROBES N SERVER: every jobs-th probe from the N-th
    local probes=$1 n=$2 server=$3 i=0 id file proto host port local hdr sni iis want url out rc lit args
    while read -r id file proto host port local hdr sni iis want; do
        i=$((i + 1))
        [ $((i % jobs)) = "$n" ] || continue
        [ "$server" = iis ] && [ "$iis" = 0 ] && continue
        case $local in *:*) lit="[$local]" ;; *) lit=$local ;; esac
        # The URL's port is the connection's; a port in the Host header changes nothing.
        if [ "$host" = @ ]; then url="$proto://$lit:$port/"
        elif [ "$hdr" != - ]; then url="$proto://${hdr%%:*}:$port/"
        else url="$proto://$host:$port/"; fi
        args=(--local-ip "$local")
        if [ "$server" = apache ]; then
            args+=(--server apache)
            case $sni in =) ;; -) args+=(--no-sni) ;; *) args+=(--sni "$sni") ;; esac
        else
            args+=(--server iis)
        fi
        out=$("$bindc" route "$file" "$url" "${args[@]}" 2> /dev/null); rc=$?
        case $rc in
        0) out=${out%%$'\n'*}; out=${out#site:}; echo "$id ${out// /}" ;;
        3) echo "$id -" ;;
        *) echo "$id ERROR$rc" ;;
        esac
    done < "$probes"
}

route_all() {  # PROBES OUT SERVER
    local n pids=()
    for ((n = 0; n < jobs; n++)); do route_part "$1" $n "$3" > "$tmp/route.part.$n" & pids+=($!); done
    wait "${pids[@]}"      # not Apache, which runs in the background too
    sort -n "$tmp"/route.part.* > "$2"
    rm -f "$tmp"/route.part.*
}

. "$src/tests/scripts/probe_curl.sh"

# compare PROBES: real Apache, its rules in bindc, and the IIS rules where
# they must agree (and the expected answer where a fixed case gives one).
# Prints each disagreement with its set, so that it can become a fixed case.
compare() {
    : > "$tmp/apache.out"
    [ $router = 1 ] && route_all "$1" "$tmp/apache.out" apache
    route_all "$1" "$tmp/iis.out" iis
    curl_all "$1" "$tmp/real.out"
    awk -v router=$router -v ap="$tmp/apache.out" -v iis="$tmp/iis.out" -v real="$tmp/real.out" '
        BEGIN {
            while ((getline l < ap) > 0) { split(l, f, " "); a[f[1]] = f[2] }
            while ((getline l < iis) > 0) { split(l, f, " "); b[f[1]] = f[2] }
            while ((getline l < real) > 0) { split(l, f, " "); c[f[1]] = f[2] }
        }
        {
            id = $1; want = NF >= 10 ? $10 : c[id]
            if (!router) a[id] = c[id]
            if (!(id in b)) b[id] = c[id]
            if (c[id] != want || a[id] != c[id] || b[id] != c[id]) {
                bad++
                if (bad <= 20) printf "DISAGREE %s: %s host=%s header=%s sni=%s port=%s local=%s: expected=%s real-apache=%s route-apache=%s route-iis=%s\n", \
                    $2, $3, $4, $7, $8, $5, $6, want, c[id], router ? a[id] : "(none)", $9 ? b[id] : "(not asked)"
                if (!(($2) in shown) && bad <= 20) { shown[$2] = 1; files = files " " $2 }
            }
        }
        END { if (bad) { print bad " disagreements; the sets:" > "/dev/stderr"; print files > "'"$tmp"'/bad.files" } exit bad > 0 }
    ' "$1" 2>&1
    local rc=$?
    if [ $rc != 0 ] && [ -f "$tmp/bad.files" ]; then
        for f in $(cat "$tmp/bad.files"); do echo "---- $f"; cat "$f"; echo "---- ${f%.bind}.conf"; cat "${f%.bind}.conf"; done
        rm -f "$tmp/bad.files"
    fi
    return $rc
}

# compile FILE: the apache target's output beside it, with the test's
# certificate files; echoes 1 when no W0407 was reported (the IIS rules
# must then agree), 0 when one was.
compile() {
    "$bindc" compile "$1" --target apache -o "${1%.bind}.conf" 2> "$tmp/diags" || return 1
    grep -q W0407 "$tmp/diags" && echo 0 || echo 1
}

run_batch() {  # PROBES CONFS...
    local probes=$1
    shift
    apache_main_conf "$tmp" "$@" > "$tmp/httpd.conf"
    if ! timeout 60 "$apache2" -t -f "$tmp/httpd.conf" > "$tmp/t.out" 2>&1 || [ "$(cat "$tmp/t.out")" != "Syntax OK" ]; then
        echo "FAIL apache2 -t:"; cat "$tmp/t.out"; fail=$((fail + 1)); return 1
    fi
    if ! apache_start "$tmp"; then echo "FAIL Apache did not start"; fail=$((fail + 1)); return 1; fi
    compare "$probes"
    local rc=$?
    apache_stop "$tmp"
    return $rc
}

# ---- fixed cases: the seed scenarios and every disagreement found so far ------
# fixed NAME PORT BIND_TEXT, then probe lines on stdin: PROTO HOST PORT LOCAL
# SNI EXPECTED (`-`: no site; HOST `@`: the URL names the local address;
# @PORT@ in the text and the lines is PORT).
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
CERTS='cert t {
    pem = "@CERT@/t.pem"
    key = "@CERT@/t.key"
}
cert u {
    pem = "@CERT@/u.pem"
    key = "@CERT@/u.key"
}'

# IIS ranks a host name above an IP-only binding: repeated on 127.0.0.2.
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
http @ @PORT@ 127.0.0.1 = -
http h.example @PORT@ ::1 = H
EOF
# Apache takes the first match in file order: exact names before every
# wildcard, longer suffixes first, the address's own before the any tier's.
fixed order 18002 "site W {
    root = \"@WWW@/W\"
    http 127.0.0.2:@PORT@:*.example
}
site X {
    root = \"@WWW@/X\"
    http *:@PORT@:*.a.example
    http *:@PORT@:a.example
}
site Y {
    root = \"@WWW@/Y\"
    http *:@PORT@:*.c.a.example
}
site E {
    root = \"@WWW@/E\"
    http *:@PORT@:e.c.a.example
}" <<'EOF'
http b.a.example @PORT@ 127.0.0.2 = W
http b.a.example @PORT@ 127.0.0.1 = X
http q.c.a.example @PORT@ 127.0.0.1 = Y
http e.c.a.example @PORT@ 127.0.0.1 = E
http e.c.a.example @PORT@ 127.0.0.2 = E
http a.example @PORT@ 127.0.0.2 = X
http q.example @PORT@ 127.0.0.1 = -
EOF
# TLS: the handshake's block by SNI, then the Host's; another certificate is
# 421, the same one is served; no SNI takes the first block (the refuser,
# with the certificate of the address's first binding).
fixed tls 18003 "$CERTS
site A {
    root = \"@WWW@/A\"
    https *:@PORT@:a.example cert=t sni
    https *:@PORT@:c.example cert=t sni
}
site B {
    root = \"@WWW@/B\"
    https *:@PORT@:b.example cert=u sni
}" <<'EOF'
https a.example @PORT@ 127.0.0.1 = A
https b.example @PORT@ 127.0.0.1 = B
https b.example @PORT@ 127.0.0.1 a.example -
https c.example @PORT@ 127.0.0.1 a.example A
https a.example @PORT@ 127.0.0.1 - A
https b.example @PORT@ 127.0.0.1 - -
https zz.example @PORT@ 127.0.0.1 = -
https @ @PORT@ 127.0.0.1 = -
http a.example @PORT@ 127.0.0.1 = -
EOF
# 0.0.0.0 and [::] are one address to Apache (W0407 from the target): the
# first declared catch-all answers both families.
fixed families 18004 "site X {
    root = \"@WWW@/X\"
    http 0.0.0.0:@PORT@:
}
site Y {
    root = \"@WWW@/Y\"
    http [::]:@PORT@:
}" <<'EOF'
http other.example @PORT@ 127.0.0.3 = X
http other.example @PORT@ ::1 = X
EOF
# One protocol per address:port (W0407 from the check).
fixed protocol-per-address 18005 "$CERTS
site A {
    server = apache
    root = \"@WWW@/A\"
    http *:@PORT@:
}
site B {
    server = apache
    root = \"@WWW@/B\"
    https 127.0.0.2:@PORT@:b.example cert=t sni
}" <<'EOF'
http a.example @PORT@ 127.0.0.1 = A
http a.example @PORT@ 127.0.0.2 = -
https b.example @PORT@ 127.0.0.2 = B
EOF

# ---- random sets ---------------------------------------------------------------
RANDOM=$seed
addrs=('*' '*' '127.0.0.1' '127.0.0.2' '127.0.0.2' '127.0.0.3')
[ $v6 = 1 ] && addrs+=('[::1]')
family_addrs=('0.0.0.0')
[ $v6 = 1 ] && family_addrs+=('[::]')
hosts=('' '' 'a.example' 'b.example' 'www.a.example' 'c.a.example' '*.a.example' '*.example' '*.c.a.example')
probe_hosts=(a.example b.example www.a.example c.a.example x.a.example y.c.a.example q.example zz.other @)

# gen_set K: writes set K and sets file, p1, proto1, p2, proto2 and mixed.
# It runs in this shell: a subshell ($(...), <(...)) would draw from a
# RANDOM that bash seeds afresh, and the seed would replay nothing.
gen_set() {
    local k=$1 family=0
    file="$tmp/sets/set$k.bind"
    p1=$((20000 + 2 * (k % 5000)))
    p2=$((p1 + 1))
    proto1=http proto2=http mixed=0
    [ $((RANDOM % 10)) -lt 4 ] && proto1=https
    [ $((RANDOM % 10)) -lt 4 ] && proto2=https
    [ $((k % 5)) = 4 ] && mixed=1
    [ $((RANDOM % 3)) = 0 ] && family=1
    # Mixed: per port, exact addresses speak one protocol, the any tier the other.
    local exact_https=$((RANDOM % 2))
    local -A used=()
    {
        echo "platform iis10"
        printf '%s\n' "$CERTS" | sed "s|@CERT@|$tmp|g"
        local nsites=$((2 + RANDOM % 3)) s b
        for ((s = 1; s <= nsites; s++)); do
            echo "site S$s {"
            [ $mixed = 1 ] && echo "    server = apache"
            echo "    root = \"$tmp/www/S$s\""
            local nb=$((1 + RANDOM % 3))
            for ((b = 0; b < nb; b++)); do
                local port=$p1 proto=$proto1
                if [ $((RANDOM % 2)) = 1 ]; then port=$p2; proto=$proto2; fi
                local addr=${addrs[RANDOM % ${#addrs[@]}]} host=${hosts[RANDOM % ${#hosts[@]}]}
                [ $family = 1 ] && [ $((RANDOM % 3)) = 0 ] && addr=${family_addrs[RANDOM % ${#family_addrs[@]}]}
                if [ $mixed = 1 ]; then
                    case $addr in '*'|0.0.0.0|'[::]') [ $exact_https = 1 ] && proto=http || proto=https ;;
                                  *) [ $exact_https = 1 ] && proto=https || proto=http ;; esac
                fi
                local key="$port|$host|"
                # E0201: `*` overlaps 0.0.0.0 and [::].
                case $addr in
                '*') [ -n "${used[$key*]:-}${used[${key}0.0.0.0]:-}${used[$key[::]]:-}" ] && continue ;;
                0.0.0.0|'[::]') [ -n "${used[$key*]:-}${used[$key$addr]:-}" ] && continue ;;
                *) [ -n "${used[$key$addr]:-}" ] && continue ;;
                esac
                # E0204: one protocol on a port's any tier, and on each address.
                local pk="$port|${addr}"
                case $addr in '*'|0.0.0.0|'[::]') pk="$port|any" ;; esac
                [ -n "${used[P$pk]:-}" ] && [ "${used[P$pk]}" != "$proto" ] && continue
                used[P$pk]=$proto
                used[$key$addr]=1
                local opts=""
                # SNI mostly, with a certificate per host name (E0205
                # otherwise); an IP:port's, without SNI, is always t.
                if [ $proto = https ]; then
                    if [ -n "$host" ] && [ $((RANDOM % 10)) -lt 7 ]; then
                        opts=" cert=$([ $((${#host} % 2)) = 0 ] && echo t || echo u) sni"
                        [ $((RANDOM % 5)) = 0 ] && opts="$opts legacy_tls=off"
                    else opts=" cert=t"; fi
                fi
                echo "    $proto $addr:$port:$host$opts"
            done
            echo "}"
        done
    } > "$file"
}

# ---- run -----------------------------------------------------------------------
# Fixed cases: one batch.
: > "$tmp/probes"
confs=()
id=0
for w in "$tmp"/fixed-*.want; do
    name=$(basename "$w" .want); name=${name#fixed-}
    file="$tmp/sets/fixed-$name.bind"
    if ! clean=$(compile "$file"); then echo "FAIL fixed $name: compile"; cat "$tmp/diags"; fail=$((fail + 1)); continue; fi
    confs+=("${file%.bind}.conf")
    while read -r proto host port local sni want; do
        id=$((id + 1))
        iis=$clean
        [ "$sni" = = ] || iis=0
        echo "$id $file $proto $host $port $local - $sni $iis $want" >> "$tmp/probes"
    done < "$w"
done
if run_batch "$tmp/probes" "${confs[@]}"; then pass=$((pass + 1)); else echo "FAIL fixed cases"; fail=$((fail + 1)); fi
echo "fixed cases: $id probes"

done_sets=0 clean_sets=0 asked_iis=0
for ((first = 0; first < nsets; first += batch)); do
    : > "$tmp/probes"
    confs=()
    id=0
    for ((k = first; k < first + batch && k < nsets; k++)); do
        gen_set $k
        if ! clean=$(compile "$file"); then
            echo "FAIL set $k (seed $seed): does not compile"; cat "$tmp/diags" "$file"; fail=$((fail + 1)); continue
        fi
        # A set of `any` sites without 0.0.0.0 or [::] is one the output routes as IIS does.
        if [ "$mixed" = 0 ] && ! grep -q ' \(0\.0\.0\.0\|\[::\]\):' "$file" && [ "$clean" = 0 ]; then
            echo "FAIL set $k (seed $seed): W0407 on a set Apache can express"; cat "$tmp/diags" "$file"; fail=$((fail + 1))
        fi
        clean_sets=$((clean_sets + clean))
        confs+=("${file%.bind}.conf")
        for ((q = 0; q < per_set; q++)); do
            local_=${locals[RANDOM % ${#locals[@]}]}
            if [ $((RANDOM % 2)) = 0 ]; then port=$p1 proto=$proto1; else port=$p2 proto=$proto2; fi
            [ "$mixed" = 1 ] && [ $((RANDOM % 2)) = 0 ] && { [ $proto = http ] && proto=https || proto=http; }
            host=${probe_hosts[RANDOM % ${#probe_hosts[@]}]}
            hdr=-
            # Now and then the Host header differs in case, or names another port.
            if [ "$host" != @ ]; then
                case $((RANDOM % 12)) in
                0) hdr="$(echo "$host" | tr a-z A-Z):$port" ;;
                1) hdr="$host:1" ;;
                esac
            fi
            # TLS: SNI as browsers send it, none, or another name.
            sni==
            if [ $proto = https ] && [ "$host" != @ ]; then
                case $((RANDOM % 7)) in
                0) sni=- ;;
                1) sni=${probe_hosts[RANDOM % (${#probe_hosts[@]} - 1)]} ;;
                esac
            fi
            iis=$clean
            [ "$sni" = = ] && [ "$mixed" = 0 ] || iis=0
            asked_iis=$((asked_iis + iis))
            id=$((id + 1))
            echo "$id $file $proto $host $port $local_ $hdr $sni $iis" >> "$tmp/probes"
        done
        done_sets=$((done_sets + 1))
    done
    if run_batch "$tmp/probes" "${confs[@]}"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done

echo "$done_sets random sets ($clean_sets without W0407), $((done_sets * per_set)) requests ($asked_iis also asked of the IIS rules), $(( $(date +%s) - start ))s; seed $seed"
[ "$done_sets" = "$nsets" ] || { echo "FAIL $done_sets of $nsets random sets ran"; fail=$((fail + 1)); }
[ $router = 1 ] || echo "NOTE: the \`route --server apache\` half was not run"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
