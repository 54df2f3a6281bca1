#!/usr/bin/env bash
# `bindc route` through the real command line, on the whole box and with
# the TLS handshake:
#   - without --server the server that owns the request's socket answers:
#     on examples/coexist-nginx.bind (IIS with `iplisten ::`, nginx on
#     0.0.0.0) 127.0.0.1:80 is nginx's and [::1]:80 HTTP.sys's, both steps
#     in the reason; a port nobody listens on is exit 3;
#   - --sni NAME and --no-sni for every server and the whole box: a tls:
#     line names the certificate presented and what picked it, or why the
#     handshake is refused (exit 3); `--sni ''` is none; both at once is a
#     usage error;
#   - Apache's [::] binding is `Listen PORT`, both families: beside
#     `iplisten 0.0.0.0` check and route both say E0208, and the fix-its
#     check offers, applied from its JSON, leave a clean file that route
#     gives Apache on IPv4 and HTTP.sys on IPv6;
#   - plain http answers keep their three lines, byte for byte.
# Usage: test_route_box.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# route ARGS...: stdout of `bindc route`, then `# exit N` (from the source root).
route() { (cd "$src" && "$bindc" route "$@" 2> "$tmp/err"; echo "# exit $?"); }
# expect NAME ACTUAL EXPECTED
expect() {
    if [ "$2" = "$3" ]; then ok; else bad "$1"; diff <(echo "$3") <(echo "$2") | sed 's/^/    /'; fi
}
# has NAME ACTUAL SUBSTRING...
has() {
    local name=$1 out=$2
    shift 2
    for s in "$@"; do
        case $out in *"$s"*) ok ;; *) bad "$name: no \`$s\` in"; echo "$out" | sed 's/^/    /' ;; esac
    done
}

# ---- the whole box: the seed ---------------------------------------------------
ex=examples/coexist-nginx.bind
expect "box: 127.0.0.1:80 is nginx's" "$(route $ex http://shop.example/ --local-ip 127.0.0.1)" \
"site:    Shop
binding: http 0.0.0.0:80:shop.example  ($ex:24:5)
reason:  socket 127.0.0.1:80 belongs to nginx (it listens on *:80; \`iplisten\` leaves it out of HTTP.sys); nginx: exact server_name shop.example on *:80
# exit 0"
expect "box: [::1]:80 is HTTP.sys's" "$(route $ex http://intranet.example/ --local-ip ::1)" \
"site:    Intranet
binding: http [::]:80:intranet.example  ($ex:18:5)
reason:  socket [::1]:80 belongs to HTTP.sys (\`iplisten ::\` takes it); HTTP.sys: host name match; no other binding matches
# exit 0"
# The URL's address is the local one (and its Host, which no binding names).
has "box: an IPv6 URL" "$(route $ex 'http://[::1]/')" "no site: socket [::1]:80 belongs to HTTP.sys" "# exit 3"
expect "box: each server its own socket" "$(route $ex http://intranet.example/ --local-ip 127.0.0.1)" \
"no site: socket 127.0.0.1:80 belongs to nginx (it listens on *:80; \`iplisten\` leaves it out of HTTP.sys); nginx: the generated default server of *:80 refuses it (return 404): no server_name matches \`intranet.example\`
# exit 3"
expect "box: nobody listens" "$(route $ex http://shop.example:8080/ --local-ip 127.0.0.1)" \
"no site: nothing listens on 127.0.0.1:8080: HTTP.sys serves no site on port 8080; no listen of nginx takes it
# exit 3"
# --server keeps meaning one server's rules alone.
has "--server iis" "$(route $ex http://shop.example/ --local-ip 127.0.0.1 --server iis)" \
    "no site: HTTP.sys does not listen on 127.0.0.1: \`iplisten\` leaves it out" "note:    1 site for another server is not considered; see --server" "# exit 3"
has "--server nginx" "$(route $ex http://shop.example/ --local-ip 127.0.0.1 --server nginx)" \
    "reason:  exact server_name shop.example on *:80" "# exit 0"

# ---- the whole box: https --------------------------------------------------------
has "box https, SNI" "$(route $ex https://shop.example/ --local-ip 127.0.0.1)" \
    "site:    Shop" "belongs to nginx" \
    "tls:     SNI \`shop.example\`: nginx presents certificate \`shop\` ($ex:8:6), of the server block of site \`Shop\` whose server_name shop.example matches on *:443" \
    "# exit 0"
has "box https, no SNI" "$(route $ex https://shop.example/ --local-ip 127.0.0.1 --no-sni)" \
    "no site: socket 127.0.0.1:443 belongs to nginx" "nginx: the TLS handshake fails before the Host is read: nginx rejects it, as the client sends no SNI; the Host alone would reach site \`Shop\`" \
    "tls:     no SNI: refused: the default_server of *:443 is the generated one with ssl_reject_handshake on" "# exit 3"

# ---- the handshake, server by server --------------------------------------------
cat > "$tmp/tls.bind" <<'EOF'
cert a {
    thumbprint = "3a1b9f0077c24e6d0a115b2c8d3e4f5061728394"
    pem = "/etc/ssl/a.pem"
    key = "/etc/ssl/a.key"
}
cert b {
    thumbprint = "4a1b9f0077c24e6d0a115b2c8d3e4f5061728394"
    pem = "/etc/ssl/b.pem"
    key = "/etc/ssl/b.key"
}
site A {
    https *:443:a.example cert=a sni
}
site B {
    https *:443:b.example cert=b sni
}
EOF
t=$tmp/tls.bind
has "iis SNI" "$(route "$t" https://a.example/)" \
    "site:    A" "tls:     SNI \`a.example\`: HTTP.sys presents certificate \`a\` ($t:1:6) from its SSL binding hostnameport=a.example:443, made for https *:443:a.example ($t:12:5)" "# exit 0"
has "iis --sni other" "$(route "$t" https://a.example/ --sni b.example)" \
    "site:    A" "tls:     SNI \`b.example\`: HTTP.sys presents certificate \`b\`" "# exit 0"
has "iis --no-sni" "$(route "$t" https://a.example/ --no-sni)" \
    "no site: the TLS handshake fails before the Host is read: HTTP.sys resets the connection, as no SSL binding serves a client without SNI here; the Host alone would reach site \`A\` (https *:443:a.example)" \
    "tls:     no SNI: refused: HTTP.sys resets the connection: no ipport=192.0.2.1:443 or 0.0.0.0:443 serves a client without SNI, and port 443's other SSL bindings (hostnameport, ccs) need SNI" \
    "# exit 3"
has "iis --sni ''" "$(route "$t" https://a.example/ --sni '')" "tls:     no SNI: refused" "# exit 3"
has "iis, a URL by address sends no SNI" "$(route "$t" https://10.0.0.1/ --server iis)" "tls:     no SNI: refused" "# exit 3"
has "iis --sni unknown" "$(route "$t" https://a.example/ --sni zz.example --server iis)" \
    "tls:     SNI \`zz.example\`: refused: HTTP.sys resets the connection: no hostnameport=zz.example:443, no ccs=443, and no ipport=192.0.2.1:443 or 0.0.0.0:443 to fall back to" "# exit 3"
has "nginx SNI" "$(route "$t" https://b.example/ --server nginx)" \
    "site:    B" "tls:     SNI \`b.example\`: nginx presents certificate \`b\` ($t:6:6), of the server block of site \`B\` whose server_name b.example matches on *:443" "# exit 0"
has "nginx --sni other" "$(route "$t" https://b.example/ --server nginx --sni a.example)" "site:    B" "nginx presents certificate \`a\`" "# exit 0"
has "nginx --no-sni" "$(route "$t" https://b.example/ --server nginx --no-sni)" \
    "no site: the TLS handshake fails before the Host is read: nginx rejects it" "tls:     no SNI: refused" "# exit 3"
has "apache SNI" "$(route "$t" https://b.example/ --server apache)" \
    "site:    B" "tls:     SNI \`b.example\`: Apache presents certificate \`b\` ($t:6:6), of the <VirtualHost> of site \`B\` on *:443 whose names match it (b.example)" "# exit 0"
has "apache --no-sni" "$(route "$t" https://b.example/ --server apache --no-sni)" \
    "no site: the TLS handshake took the generated refusing <VirtualHost> and the Host takes the <VirtualHost> of site \`B\`" \
    "tls:     no SNI: Apache presents certificate \`a\` ($t:1:6), of the first <VirtualHost> of *:443, the generated refusing one (Apache cannot refuse a handshake)" "# exit 3"
has "apache --sni other" "$(route "$t" https://b.example/ --server apache --sni a.example)" "421 Misdirected Request" "# exit 3"

# ---- Apache's [::] is `Listen PORT`: check and route agree ---------------------
# check ARGS...: stdout and stderr of `bindc check`, then `# exit N`.
check() { (cd "$src" && "$bindc" check "$@" 2>&1; echo "# exit $?"); }
# fixed FILE: FILE with the fix-its of `bindc check` applied, as its JSON
# diagnostics give them (1-based lines and columns, the end excluded).
fixed() {
    (cd "$src" && "$bindc" check --diagnostics-format json "$1" 2>&1 >/dev/null) > "$tmp/fix.jsonl"
    perl -MJSON::PP -e '
        local $/; open my $f, "<", $ARGV[0] or die; my $text = <$f>;
        open my $j, "<", $ARGV[1] or die; my @fx = map { @{ decode_json($_)->{fixits} } } grep { /\S/ } split /\n/, <$j>;
        my @start = (0); push @start, pos($text) while $text =~ /\n/g;
        my $at = sub { $start[$_[0] - 1] + $_[1] - 1 };
        for my $x (sort { $at->($b->{line}, $b->{column}) <=> $at->($a->{line}, $a->{column}) } @fx) {
            my $s = $at->($x->{line}, $x->{column});
            substr($text, $s, $at->($x->{end_line}, $x->{end_column}) - $s) = $x->{replacement};
        }
        print $text' "$src/$1" "$tmp/fix.jsonl"
}
g=tests/golden/check
# `iplisten 0.0.0.0` (the fix-it bindc once offered) leaves Apache's
# `Listen 443` on HTTP.sys's IPv4 addresses: both commands say E0208.
v4=$g/e0208-apache-ipv6-iplisten-v4.bind
has "apache [::], iplisten 0.0.0.0: check" "$(check $v4)" "error[E0208]" "apache on every address (*)" "\`Listen 443\`" "# exit 1"
has "apache [::], iplisten 0.0.0.0: route" "$(route $v4 https://blog/ --local-ip ::1 2>&1; cat "$tmp/err")" "error[E0208]" "# exit 1"
# The fix-its of the E0208 they once followed, applied: clean, and each
# server answers on its own family, Apache not down.
fixed $g/e0208-apache-ipv6-fixit.bind > "$tmp/fixed.bind"
expect "apache [::] fix-its applied: the iplisten line" "$(head -n 1 "$tmp/fixed.bind")" "iplisten ::"
has "apache [::] fix-its applied: the binding" "$(cat "$tmp/fixed.bind")" "https 0.0.0.0:443:blog"
expect "apache [::] fix-its applied: check" "$(check "$tmp/fixed.bind")" "# exit 0"
has "apache [::] fix-its applied: route IPv4" "$(route "$tmp/fixed.bind" https://blog/ --local-ip 127.0.0.1)" \
    "site:    Blog" "socket 127.0.0.1:443 belongs to Apache (it listens on 0.0.0.0:443;" "# exit 0"
has "apache [::] fix-its applied: route IPv6" "$(route "$tmp/fixed.bind" https://shop/ --local-ip ::1)" \
    "site:    Shop" "socket [::1]:443 belongs to HTTP.sys (\`iplisten ::\` takes it)" "# exit 0"
case $(route "$tmp/fixed.bind" https://blog/ --local-ip ::1) in
*"does not start"*) bad "apache [::] fix-its applied: Apache starts" ;;
*) ok ;;
esac

# ---- the command line -----------------------------------------------------------
out=$(route "$t" https://a.example/ --sni a.example --no-sni)
has "--sni with --no-sni" "$out" "# exit 2"
grep -q -- '--sni and --no-sni' "$tmp/err" && ok || { bad "--sni with --no-sni: the message"; cat "$tmp/err"; }
# Plain http: the three lines and nothing else.
expect "plain http unchanged" "$(route examples/shop.bind http://www.shop.example/)" \
"site:    Shop
binding: http *:80:www.shop.example  (examples/shop.bind:21:5)
reason:  host name match beats catch-all binding *:80: of site \`Fallback\`
# exit 0"
has "route --help" "$("$bindc" route --help)" "--no-sni" "--sni NAME"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
