#!/usr/bin/env bash
# `--state FILE` through the real command line: the captures of
# tests/golden/check/state/, and
#   - `bindc route --state` answers as the machine would, with the rule
#     that decided: Microsoft's "UrlPrefix Strings" example (+:80/vroot/
#     beats adatum.com:80/ beats *:80/; a reservation for another user on
#     adatum.com:80/ takes *:80/vroot/'s requests for adatum.com), the IIS
#     Express scenarios of "Handling URL Binding Failures in IIS Express"
#     with and without reservations made before, a reservation nobody
#     registered (503), a site that cannot start (access denied, an
#     excluded port), the machine's IP listen list, which also decides
#     HTTP.sys's sockets on a box with nginx, and the certificate of the
#     machine's own SSL binding, which netsh.cmd leaves;
#   - `compile --target netsh --state` leaves out what the machine has as
#     the script would set it, says so (stderr and `rem` lines), and the
#     revert leaves the same records alone;
#   - --state is repeatable, reads standard input (`-`), and a file it
#     cannot read is exit 2, one that holds no capture E0501 (exit 1).
# Usage: test_route_state.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
states=$src/tests/golden/check/state
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# route FILE URL STATE [ARGS...]: stdout of `bindc route`, then `# exit N`.
route() {
    local f=$1 u=$2 s=$3
    shift 3
    (cd "$tmp" && "$bindc" route "$f" "$u" --state "$s" "$@" 2> "$tmp/route.err"; echo "# exit $?")
}
# expect NAME ACTUAL EXPECTED
expect() {
    if [ "$2" = "$3" ]; then ok; else bad "$1"; diff <(echo "$3") <(echo "$2") | sed 's/^/    /'; fi
}

# ---- Microsoft's "UrlPrefix Strings" example ---------------------------------
# app2 registers adatum.com:80/, app3 *:80/ (IIS Express: `*` for no host);
# app1's +:80/vroot/ is a reservation whose program does not run here.
cat > "$tmp/urlprefix.bind" <<'EOF'
platform iis-express

defaults {
    acl = 'ADATUM\web'
}

site App2 {
    http *:80:adatum.com
}

site App3 {
    http *:80:
}
EOF
expect "+:80/vroot/ beats adatum.com:80/" "$(route urlprefix.bind http://adatum.com/vroot/page "$states/urlprefix-vroot-en.txt")" \
'no site: HTTP.sys answers 503 because http://+:80/vroot/ is reserved for ADATUM\app1 and nobody registered it
rule:    HTTP.sys'"'"'s URL namespace: a strong wildcard (+) takes a request before host names, IP addresses and *; within one, the longest path wins  ('"$states"'/urlprefix-vroot-en.txt:5:31)
note:    while a program of ADATUM\app1 has registered http://+:80/vroot/, that program answers instead
# exit 3'
expect "adatum.com:80/ beats *:80/" "$(route urlprefix.bind http://adatum.com/other "$states/urlprefix-vroot-en.txt")" \
'site:    App2
binding: http *:80:adatum.com  (urlprefix.bind:8:5)
reason:  host name match beats catch-all binding *:80: of site `App3`
rule:    HTTP.sys'"'"'s URL namespace hands it to the .bind'"'"'s server: http://adatum.com:80/ (a host name, registered for site `App2`) is the first prefix that takes it; a host name takes a request after + and before IP addresses and *
# exit 0'
expect "*:80/ takes the rest" "$(route urlprefix.bind http://contoso.com/ "$states/urlprefix-vroot-en.txt")" \
'site:    App3
binding: http *:80:  (urlprefix.bind:12:5)
reason:  catch-all: no binding names host `contoso.com`
rule:    HTTP.sys'"'"'s URL namespace hands it to the .bind'"'"'s server: http://*:80/ (a weak wildcard, registered for site `App3`) is the first prefix that takes it; * takes a request that no +, host name or IP address takes
# exit 0'
out=$(route urlprefix.bind http://CONTOSO.COM/VRoot/x "$states/urlprefix-vroot-en.txt")
case $out in "no site: HTTP.sys answers 503 because http://+:80/vroot/"*"# exit 3") ok ;; *) bad "paths compare without case: $out" ;; esac

# A reservation for user B on adatum.com:80/ takes app1's *:80/vroot/
# requests for adatum.com, and only those.
cat > "$tmp/vroot.bind" <<'EOF'
platform iis-express

defaults {
    acl = 'ADATUM\app1'
}

site App1 {
    http *:80:
}
EOF
out=$(route vroot.bind http://adatum.com/vroot/ "$states/urlprefix-userb-en.txt")
case $out in "no site: HTTP.sys answers 503 because http://adatum.com:80/ is reserved for ADATUM\\userB and nobody registered it"*"# exit 3") ok ;;
    *) bad "adatum.com:80/ for user B: $out" ;; esac
out=$(route vroot.bind http://contoso.com/vroot/ "$states/urlprefix-userb-en.txt")
case $out in "site:    App1"*"# exit 0") ok ;; *) bad "contoso.com/vroot/ still reaches App1: $out" ;; esac

# ---- IIS Express: "Handling URL Binding Failures" ----------------------------
cat > "$tmp/dev.bind" <<'EOF'
platform iis-express

defaults {
    acl = Everyone
}

cert shop {
    thumbprint = 3a1b9f0077c24e6d0a115b2c8d3e4f5061728394
}

site WebApp {
    http  *:80:localhost
    https *:443:localhost    cert=shop
    https *:44301:localhost
    http  *:8080:devbox
}
EOF
# Without reservations made before, and with them: the site answers.
for s in devbox-fresh-en.txt devbox-en.txt; do
    out=$(route dev.bind http://localhost/ "$states/$s")
    case $out in "site:    WebApp"*"rule:    HTTP.sys's URL namespace hands it to the .bind's server: http://localhost:80/ (a host name, registered for site \`WebApp\`)"*"# exit 0") ok ;;
        *) bad "localhost with $s: $out" ;; esac
done
out=$(route dev.bind https://localhost:44301/ "$states/devbox-en.txt")
case $out in "site:    WebApp"*"https *:44301:localhost"*"# exit 0") ok ;; *) bad "44301: $out" ;; esac
# http://+:80/ reserved for Reporting Services, which does not run here.
out=$(route dev.bind http://localhost/ "$states/urlacl-reportserver-en.txt")
expect "503 from a reservation nobody registered" "$out" \
'no site: HTTP.sys answers 503 because http://+:80/ is reserved for NT SERVICE\ReportServer and nobody registered it
rule:    HTTP.sys'"'"'s URL namespace: a strong wildcard (+) takes a request before host names, IP addresses and *  ('"$states"'/urlacl-reportserver-en.txt:17:31)
note:    while a program of NT SERVICE\ReportServer has registered http://+:80/, that program answers instead
# exit 3'
# http://localhost:80/ reserved for bob: the site does not start at all.
out=$(route dev.bind http://devbox:8080/ "$states/urlacl-bob-en.txt")
case $out in "no site: no site of the .bind registers http on port 8080"*"site \`WebApp\` would answer with http *:8080:devbox, but it does not start on this machine: its binding http *:80:localhost cannot register: http://localhost:80/ is reserved for DEVBOX\\bob (access denied)"*"# exit 3") ok ;;
    *) bad "a site that cannot start: $out" ;; esac
# A port in WinNAT's range.
cat > "$tmp/winnat.bind" <<'EOF'
platform iis-express

site Dev {
    http *:50123:localhost
}
EOF
out=$(route winnat.bind http://localhost:50123/ "$states/devbox-en.txt")
case $out in "no site:"*"its port is in the excluded range 50060-50159"*"# exit 3") ok ;; *) bad "excluded port: $out" ;; esac
# Without --state the same file routes as before.
out=$(cd "$tmp" && "$bindc" route winnat.bind http://localhost:50123/ 2>/dev/null; echo "# exit $?")
case $out in "site:    Dev"*"# exit 0") ok ;; *) bad "route without --state: $out" ;; esac

# ---- the machine's IP listen list --------------------------------------------
cat > "$tmp/server.bind" <<'EOF'
site Fallback {
    http *:8081:
}
EOF
out=$(route server.bind http://10.0.0.6:8081/ "$states/server-de.txt")
case $out in "no site: HTTP.sys does not listen on 10.0.0.6: this machine's IP listen list leaves it out"*"# exit 3") ok ;; *) bad "iplisten: $out" ;; esac
out=$(route server.bind http://10.0.0.5:8081/ "$states/server-de.txt")
case $out in "site:    Fallback"*"# exit 0") ok ;; *) bad "iplisten, listed: $out" ;; esac

# The whole box: the machine's list decides which socket is HTTP.sys's; its
# part answers as above (with its rule: line), nginx the rest.
cat > "$tmp/box.bind" <<'EOF'
iplisten 10.0.0.5

site Fallback {
    server = iis
    http *:8081:
}

site Edge {
    server = nginx
    http 10.0.0.6:8081:
}
EOF
expect "box --state: nginx's socket" "$(route box.bind http://10.0.0.6:8081/ "$states/server-de.txt")" \
'site:    Edge
binding: http 10.0.0.6:8081:  (box.bind:10:5)
reason:  socket 10.0.0.6:8081 belongs to nginx (it listens on 10.0.0.6:8081; this machine'"'"'s IP listen list leaves it out of HTTP.sys); nginx: default_server of 10.0.0.6:8081: no server_name matches `10.0.0.6`
# exit 0'
out=$(route box.bind http://10.0.0.5:8081/ "$states/server-de.txt")
case $out in "site:    Fallback"*"reason:  socket 10.0.0.5:8081 belongs to HTTP.sys (this machine's IP listen list takes it with 10.0.0.5); HTTP.sys: catch-all"*"rule:    HTTP.sys's URL namespace hands it to the .bind's server: http://"*":8081/ "*"# exit 0") ok ;;
    *) bad "box --state: HTTP.sys's socket: $out" ;; esac
out=$(route box.bind http://10.0.0.7:8081/ "$states/server-de.txt")
case $out in "no site: nothing listens on 10.0.0.7:8081: this machine's IP listen list leaves it out of HTTP.sys; no listen of nginx takes it"*"# exit 3") ok ;;
    *) bad "box --state: nobody's socket: $out" ;; esac

# The handshake as the machine would make it: its own SSL binding under
# the key HTTP.sys picks, with another certificate (W0505), is left as it
# is by netsh.cmd, so its certificate is the one presented.
cp "$src/tests/golden/check/w0505-state-other-cert.bind" "$tmp/other.bind"
cp "$states/sslcert-other-en.txt" "$tmp/"
out=$(route other.bind https://api.shop.example/ sslcert-other-en.txt)
expect "route --state: the machine's certificate on its SSL binding" "$(echo "$out" | grep '^tls:')" \
'tls:     SNI `api.shop.example`: HTTP.sys presents certificate `other` (other.bind:8:6), thumbprint 9F0077C24E6D0A115B2C8D3E4F50617283943A1B, from this machine'"'"'s SSL binding ipport=0.0.0.0:443 (sslcert-other-en.txt:5:36), which netsh.cmd leaves as it is (W0505): not the .bind'"'"'s `shop` for https *:443:api.shop.example (other.bind:13:5)'
out=$(cd "$tmp" && "$bindc" route other.bind https://api.shop.example/ 2> /dev/null)
case $out in *'tls:     SNI `api.shop.example`: HTTP.sys presents certificate `shop` (other.bind:4:6) from its SSL binding ipport=0.0.0.0:443'*) ok ;;
    *) bad "route without --state: the .bind's certificate: $out" ;; esac

# ---- compile --target netsh --state: only the difference --------------------
for t in netsh netsh-revert httpcfg; do
    (cd "$tmp" && "$bindc" compile dev.bind --target $t -o "$tmp/$t.cmd" 2> /dev/null) || bad "compile $t"
    (cd "$tmp" && "$bindc" compile dev.bind --target $t --state "$states/devbox-en.txt" -o "$tmp/$t.state.cmd" 2> "$tmp/$t.err") ||
        bad "compile $t --state"
done
grep -q 'echo bindc: looking at the 5 records' "$tmp/netsh.cmd" && ok || bad "netsh without --state: 5 records"
grep -q 'echo bindc: looking at the 2 records' "$tmp/netsh.state.cmd" && ok || bad "netsh --state: 2 records"
for r in 'URL ACL http://localhost:80/' 'URL ACL https://localhost:443/' 'SSL certificate binding ipport=0.0.0.0:443'; do
    grep -qF "rem   $r (devbox-en.txt:" "$tmp/netsh.state.cmd" && ok || bad "netsh.cmd does not say it leaves out $r"
    grep -qF "bindc: netsh: left out, this machine has it already (--state): $r ($states/devbox-en.txt:" "$tmp/netsh.err" && ok ||
        bad "compile does not say it leaves out $r"
    grep -qF "rem   $r (devbox-en.txt:" "$tmp/netsh-revert.state.cmd" && ok || bad "netsh-revert.cmd does not say it leaves $r alone"
done
grep -q 'netsh http add urlacl url=http://localhost:80/' "$tmp/netsh.state.cmd" && bad "netsh --state still adds http://localhost:80/" || ok
grep -q 'netsh http add urlacl url=http://devbox:8080/' "$tmp/netsh.state.cmd" && ok || bad "netsh --state lost http://devbox:8080/"
grep -q 'netsh http delete urlacl url=http://localhost:80/' "$tmp/netsh-revert.state.cmd" && bad "the revert still undoes http://localhost:80/" || ok
grep -q 'httpcfg set urlacl /u http://localhost:80/' "$tmp/httpcfg.state.cmd" && bad "httpcfg --state still adds it" || ok
# A record that differs stays: the script looks at it and stops there.
(cd "$tmp" && "$bindc" compile dev.bind --target netsh --state "$states/sslcert-other-en.txt" -o "$tmp/other.cmd" 2> "$tmp/other.err")
grep -q 'netsh http add sslcert ipport=0.0.0.0:443' "$tmp/other.cmd" && ok || bad "a differing SSL binding was left out"
grep -q 'W0505' "$tmp/other.err" && ok || bad "compile --state does not report W0505"

# ---- reading --state ------------------------------------------------------------
"$bindc" check "$tmp/dev.bind" --state "$tmp/missing.txt" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q 'cannot read .*missing.txt' "$tmp/err" && ok || bad "a missing --state file: exit $rc"
"$bindc" check "$tmp/dev.bind" --state "$states/not-a-capture.txt" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && grep -q 'error\[E0501\]' "$tmp/err" && ok || bad "not a capture: exit $rc"
"$bindc" check "$tmp/dev.bind" --state "$states/urlacl-bob-en.txt" --state - < "$states/sslcert-other-en.txt" 2> "$tmp/err"; rc=$?
[ $rc = 0 ] && grep -q 'W0503' "$tmp/err" && grep -q 'W0505' "$tmp/err" && grep -q '^<stdin>:' "$tmp/err" && ok ||
    bad "--state twice, one from standard input: exit $rc"
"$bindc" check "$tmp/dev.bind" --state 2> "$tmp/err"; rc=$?
[ $rc = 2 ] && ok || bad "--state without a value: exit $rc"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
