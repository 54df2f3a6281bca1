#!/usr/bin/env bash
# `bindc compile --target iis` through the command line: the standalone
# file, --merge in place (with EXISTING.bak) or to -o OUT, and a refused
# merge that writes nothing at all.  What a merge keeps and changes is
# tested in tests/unit/test_iis_merge.c.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
fixtures=$src/tests/fixtures/iis
[ -d "$fixtures" ] || { echo "fixtures folder $fixtures is missing"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
expect() {  # NAME WANT_EXIT CMD...   (stdout in $tmp/out, stderr in $tmp/err)
    local name=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want"; cat "$tmp/err"; fi
}
wellformed() {  # NAME FILE: a missing xmllint is a failure, not a pass
    if ! command -v xmllint > /dev/null; then bad "$1: xmllint is missing (Debian package libxml2-utils)"; return; fi
    if xmllint --noout "$2" 2> "$tmp/lint"; then ok; else bad "$1: not well-formed"; cat "$tmp/lint"; fi
}

shop=$src/examples/shop.bind

# Standalone: stdout, byte-identical across runs, and under --target all.
expect standalone 0 "$bindc" compile "$shop" --target iis
cp "$tmp/out" "$tmp/first.config"
grep -q '<site name="Shop" id="2" serverAutoStart="true">' "$tmp/out" && ok || bad "standalone: no Shop site"
expect standalone-again 0 "$bindc" compile "$shop" --target iis
cmp -s "$tmp/out" "$tmp/first.config" && ok || bad "standalone: two runs differ"
wellformed standalone "$tmp/first.config"
expect all 0 "$bindc" compile "$shop" --target all -o "$tmp/all"
cmp -s "$tmp/all/applicationhost.config" "$tmp/first.config" && ok || bad "all: applicationhost.config differs from --target iis"

# --merge in place keeps the original as .bak.
cp "$fixtures/0GiS0-webappwithazuread.iisexpress.config" "$tmp/dev.config"
expect merge-in-place 0 "$bindc" compile "$shop" --target iis --merge "$tmp/dev.config"
cmp -s "$tmp/dev.config.bak" "$fixtures/0GiS0-webappwithazuread.iisexpress.config" && ok || bad "merge: .bak is not the original"
grep -q '<site name="Shop"' "$tmp/dev.config" && ok || bad "merge: Shop not merged"
# Shop has id 2, which is WebAppWithAzureAD's: matched by id, that site is
# Shop now; WebSite1, which the .bind does not name, stays as it was.
grep -q 'WebAppWithAzureAD' "$fixtures/0GiS0-webappwithazuread.iisexpress.config" && ! grep -q 'name="WebAppWithAzureAD"' "$tmp/dev.config" \
    && ok || bad "merge: the site with Shop's id was not renamed"
grep -q '<site name="WebSite1" id="1" serverAutoStart="true">' "$tmp/dev.config" && ok || bad "merge: WebSite1 is gone"
[ "$(head -c 3 "$tmp/dev.config" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok || bad "merge: the BOM is gone"
wellformed merge "$tmp/dev.config"
[ ! -s "$tmp/out" ] && ok || bad "merge in place wrote to stdout"

# --merge with -o leaves EXISTING alone and writes no .bak.
cp "$fixtures/coso-supernova.config" "$tmp/coso.config"
expect merge-to-out 0 "$bindc" compile "$shop" --target iis --merge "$tmp/coso.config" -o "$tmp/merged.config"
cmp -s "$tmp/coso.config" "$fixtures/coso-supernova.config" && ok || bad "merge -o: EXISTING changed"
[ ! -e "$tmp/coso.config.bak" ] && ok || bad "merge -o: wrote a .bak"
grep -q '<site name="Fallback"' "$tmp/merged.config" && ok || bad "merge -o: no Fallback site"
# CRLF file: no line of the result ends in a bare LF.
[ "$(grep -c $'[^\r]$' "$tmp/merged.config")" = 0 ] && ok || bad "merge -o: bare LF line ends in a CRLF file"

# A fragment is refused: exit 1, a located error, and nothing written.
cp "$fixtures/karthickvkumar-docker-react.fragment.config" "$tmp/frag.config"
expect fragment 1 "$bindc" compile "$shop" --target iis --merge "$tmp/frag.config"
grep -q "frag.config:2:3: error\[E0004\]: .*fragment" "$tmp/err" && ok || { bad "fragment: no located E0004"; cat "$tmp/err"; }
cmp -s "$tmp/frag.config" "$fixtures/karthickvkumar-docker-react.fragment.config" && ok || bad "fragment: file changed"
[ ! -e "$tmp/frag.config.bak" ] && ok || bad "fragment: wrote a .bak"
expect fragment-json 1 "$bindc" compile "$shop" --target iis --merge "$tmp/frag.config" --diagnostics-format json
grep -q '"code":"E0004"' "$tmp/err" && ok || bad "fragment: no E0004 in JSON"

# --merge only goes with --target iis; a missing file is an I/O error.
expect merge-other-target 2 "$bindc" compile "$shop" --target json --merge "$tmp/dev.config"
expect merge-missing 2 "$bindc" compile "$shop" --target iis --merge "$tmp/nope.config"

# A pool the file has, named in another case, is the same pool (IIS compares
# names without case): no second <add>.
printf '<configuration>\n  <system.applicationHost>\n    <applicationPools>\n      <add name="Shop" />\n    </applicationPools>\n    <sites>\n    </sites>\n  </system.applicationHost>\n</configuration>\n' > "$tmp/pools.config"
printf 'site A {\n    pool = SHOP\n    http *:80:a.example\n}\n' > "$tmp/pools.bind"
expect pool-case 0 "$bindc" compile "$tmp/pools.bind" --target iis --merge "$tmp/pools.config"
[ "$(grep -c '<add name=' "$tmp/pools.config")" = 1 ] && ok || { bad "pool-case: a second <add> for SHOP"; cat "$tmp/pools.config"; }
grep -q 'applicationPool="SHOP"' "$tmp/pools.config" && ok || bad "pool-case: the application does not name its pool"

# W0407 is a warning; --werror makes it stop the write.
printf 'site a {\n    http 0.0.0.0:80:a.example\n}\n' > "$tmp/any.bind"
expect any-tier 0 "$bindc" compile "$tmp/any.bind" --target iis -o "$tmp/any.config"
grep -q 'warning\[W0407\]' "$tmp/err" && ok || bad "any-tier: no W0407"
grep -q 'bindingInformation="\*:80:a.example"' "$tmp/any.config" && ok || bad "any-tier: not written as *"
expect any-tier-werror 1 "$bindc" compile "$tmp/any.bind" --target iis -o "$tmp/any2.config" --werror
[ ! -e "$tmp/any2.config" ] && ok || bad "any-tier --werror: wrote the file"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
