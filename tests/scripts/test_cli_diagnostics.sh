#!/usr/bin/env bash
# Diagnostics under the user's control, and no noise: --allow, -W, --deny,
# --werror; `# bindc: allow` for a target's warnings too; --error-limit and
# what was not shown; a fleet's hints folded; a warning said once per run
# whatever the number of targets; --target all writing only the targets
# that apply (httpcfg when named; no target of a server none of whose
# sites are in the files, nor nginx and Apache when they can serve none); compile's summary line; route quiet about
# what does not concern the answer; one write(2) a record at most
# (counted with strace); a file that is not UTF-8 text in one diagnostic;
# diagnostics and standard output in order through one pipe.  Each check
# here failed before.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
run() {  # NAME WANT_EXIT CMD...  (stdout in $tmp/out, stderr in $tmp/err)
    local name=$1 want=$2; shift 2
    NO_COLOR=1 "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null; local rc=$?
    if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, expected $want"; cat "$tmp/out" "$tmp/err"; fi
}
has() { if grep -q -F -- "$3" "$2"; then ok; else bad "$1: $(basename "$2") lacks '$3'"; cat "$2"; fi; }
lacks() { if grep -q -F -- "$3" "$2"; then bad "$1: $(basename "$2") has '$3'"; cat "$2"; else ok; fi; }
count() {  # NAME FILE TEXT WANT
    local n
    n=$(grep -c -F -- "$3" "$2")
    [ "$n" = "$4" ] && ok || { bad "$1: '$3' $n times, expected $4"; cat "$2"; }
}
ex=$src/examples

# ---- README's own command: each warning once, httpcfg only when named -----------------------
run "readme compile" 0 "$bindc" compile "$ex/shop.bind" --target all -o "$tmp/out1"
count "readme compile: W0407" "$tmp/err" "W0407" 0
has "readme compile: the note" "$tmp/err" "bindc: note: httpcfg.cmd and httpcfg-revert.cmd not written"
count "readme compile: one note" "$tmp/err" "note:" 1
[ ! -e "$tmp/out1/httpcfg.cmd" ] && [ -s "$tmp/out1/netsh.cmd" ] && [ -s "$tmp/out1/nginx.conf" ] && ok || bad "readme compile wrote $(ls "$tmp/out1")"
run "httpcfg when named" 0 "$bindc" compile "$ex/shop.bind" --target httpcfg -o "$tmp/h.cmd"
count "httpcfg when named: W0407" "$tmp/err" "warning[W0407]" 1
# An old httpcfg.cmd in the folder is left alone, and the note says so.
echo old > "$tmp/out1/httpcfg.cmd"
run "old httpcfg left" 0 "$bindc" compile "$ex/shop.bind" --target all -o "$tmp/out1"
has "old httpcfg left" "$tmp/err" "the httpcfg.cmd already there is left as it was"
[ "$(cat "$tmp/out1/httpcfg.cmd")" = old ] && ok || bad "the old httpcfg.cmd changed"

# ---- IIS Express: --target all writes what can serve the sites ------------------------------------
run "iis express all" 0 "$bindc" compile "$ex/iis-express-dev.bind" --target all -o "$tmp/ie"
lacks "iis express all" "$tmp/err" "E0304"
has "iis express all" "$tmp/err" "nginx.conf and apache.conf not written"
has "iis express all" "$tmp/err" "iisexpress-dev"
[ -s "$tmp/ie/applicationhost.config" ] && [ -s "$tmp/ie/netsh.cmd" ] && [ ! -e "$tmp/ie/nginx.conf" ] && ok || bad "iis express wrote $(ls "$tmp/ie")"
tail -n 1 "$tmp/err" | grep -q -x "1 warning generated." && ok || { bad "iis express all: no summary at the end"; cat "$tmp/err"; }
run "iis express nginx named" 1 "$bindc" compile "$ex/iis-express-dev.bind" --target nginx
has "iis express nginx named" "$tmp/err" "error[E0304]"
# One site nginx can serve: then the others' refusal is an error, as it was.
cat > "$tmp/mixed.bind" <<'EOF'
platform iis-express
cert files {
    pem = "/etc/ssl/a.pem"
    key = "/etc/ssl/a.key"
}
site Dev {
    https *:44300:localhost
}
site Files {
    https *:44301:localhost cert=files
}
EOF
run "mixed all" 1 "$bindc" compile "$tmp/mixed.bind" --target all -o "$tmp/mixed"
has "mixed all" "$tmp/err" "error[E0304]"
[ ! -e "$tmp/mixed" ] && ok || bad "mixed all wrote files"

# ---- --target all: no file for a server none of whose sites are in the files -----------------------------
# One note for each server left out (the HTTP.sys scripts go with IIS, and
# are kept for `iplisten` alone); model.json always; a target named on its
# own is written as before.
wrote() {  # NAME DIR FILE...: exactly these files
    local name=$1 dir=$2; shift 2
    local want have
    want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
    have=$(ls "$dir" | sort | tr '\n' ' ')
    [ "$want" = "$have" ] && ok || bad "$name: wrote $have, expected $want"
}
printf 'site A {\n    server = iis\n    http *:80:\n}\n' > "$tmp/iis-only.bind"
run "iis only" 0 "$bindc" compile "$tmp/iis-only.bind" --target all -o "$tmp/io"
wrote "iis only" "$tmp/io" applicationhost.config netsh.cmd netsh-revert.cmd model.json
has "iis only: nginx" "$tmp/err" "bindc: note: nginx.conf not written: no site is for nginx (every site has \`server = iis\`)"
has "iis only: apache" "$tmp/err" "bindc: note: apache.conf not written: no site is for Apache (every site has \`server = iis\`)"
count "iis only: a note each" "$tmp/err" "note:" 3
lacks "iis only: no error" "$tmp/err" "error"
run "iis only, nginx named" 0 "$bindc" compile "$tmp/iis-only.bind" --target nginx -o "$tmp/io-nginx.conf"
[ -s "$tmp/io-nginx.conf" ] && [ ! -s "$tmp/err" ] && ok || { bad "iis only, nginx named: not written as before"; cat "$tmp/err"; }
echo old > "$tmp/io/apache.conf"
run "iis only, old apache.conf" 0 "$bindc" compile "$tmp/iis-only.bind" --target all -o "$tmp/io"
has "iis only, old apache.conf" "$tmp/err" "(every site has \`server = iis\`); the apache.conf already there is left as it was"
[ "$(cat "$tmp/io/apache.conf")" = old ] && ok || bad "the old apache.conf changed"
run "coexist" 0 "$bindc" compile "$ex/coexist-nginx.bind" --target all -o "$tmp/co" --allow I0401
wrote "coexist" "$tmp/co" applicationhost.config netsh.cmd netsh-revert.cmd nginx.conf model.json
has "coexist: apache" "$tmp/err" "apache.conf not written: no site is for Apache (every site has \`server = iis\` or \`server = nginx\`)"
count "coexist: a note each" "$tmp/err" "note:" 2
printf 'site Shop {\n    server = nginx\n    root = "/srv/shop"\n    http *:80:shop.example\n}\n' > "$tmp/nginx-only.bind"
run "nginx only" 0 "$bindc" compile "$tmp/nginx-only.bind" --target all -o "$tmp/no" --allow I0401
wrote "nginx only" "$tmp/no" nginx.conf model.json
has "nginx only: IIS" "$tmp/err" "applicationhost.config, netsh.cmd and netsh-revert.cmd not written: no site is for IIS (every site has \`server = nginx\`)"
count "nginx only: a note each" "$tmp/err" "note:" 3
{ echo 'iplisten ::'; cat "$tmp/nginx-only.bind"; } > "$tmp/nginx-iplisten.bind"
run "nginx and iplisten" 0 "$bindc" compile "$tmp/nginx-iplisten.bind" --target all -o "$tmp/ni" --allow I0401
wrote "nginx and iplisten" "$tmp/ni" netsh.cmd netsh-revert.cmd nginx.conf model.json
has "nginx and iplisten" "$tmp/err" "applicationhost.config not written: no site is for IIS"
grep -q "iplisten" "$tmp/ni/netsh.cmd" && ok || bad "nginx and iplisten: netsh.cmd does not set it"
printf 'site A {\n    net.tcp 808:*\n}\n' > "$tmp/tcp.bind"
run "net.tcp only" 0 "$bindc" compile "$tmp/tcp.bind" --target all -o "$tmp/tcp"
wrote "net.tcp only" "$tmp/tcp" applicationhost.config netsh.cmd netsh-revert.cmd model.json
has "net.tcp only" "$tmp/err" "nginx.conf not written: no site is for nginx (the sites with \`server = nginx\` or \`any\` have no http or https binding)"
: > "$tmp/empty.bind"
run "no site" 0 "$bindc" compile "$tmp/empty.bind" --target all -o "$tmp/none"
wrote "no site" "$tmp/none" model.json
has "no site" "$tmp/err" "no site is for IIS (the files declare no site)"

# ---- compile ends with check's summary line ------------------------------------------------------
run "summary" 0 "$bindc" compile "$ex/iis-express-dev.bind" --target iis
tail -n 1 "$tmp/err" | grep -q -x "1 warning generated." && ok || { bad "compile: no summary line at the end"; cat "$tmp/err"; }
count "summary once" "$tmp/err" "generated." 1
printf 'site a {\n    http 0.0.0.0:80:a.example\n    http 0.0.0.0:80:www.a.example\n}\n' > "$tmp/any4.bind"
run "backend warning counted" 0 "$bindc" compile "$tmp/any4.bind" --target iis
has "backend warning counted" "$tmp/err" "warning[W0407]"
tail -n 1 "$tmp/err" | grep -q -x "2 warnings generated." && ok || { bad "backend warnings not in the summary"; cat "$tmp/err"; }

# ---- levels: --allow, -W, --deny, --werror --------------------------------------------------------------
run "allow" 0 "$bindc" check "$ex/iis-express-dev.bind" --allow W0404
[ ! -s "$tmp/err" ] && ok || { bad "--allow W0404 left output"; cat "$tmp/err"; }
run "allow lower case, list" 0 "$bindc" check "$ex/iis-express-dev.bind" --allow=w0404,I0401
[ ! -s "$tmp/err" ] && ok || bad "--allow=w0404,I0401 left output"
run "deny" 1 "$bindc" check "$ex/iis-express-dev.bind" --deny W0404
has "deny" "$tmp/err" "error[W0404]"
run "warn a hint" 0 "$bindc" check "$ex/coexist-nginx.bind" -W I0401
has "warn a hint" "$tmp/err" "warning[I0401]"
run "warn a hint, werror" 1 "$bindc" check "$ex/coexist-nginx.bind" -WI0401 --werror
run "-Werror" 1 "$bindc" check "$ex/iis-express-dev.bind" -Werror
run "allow an error" 2 "$bindc" check "$ex/mistakes.bind" --allow E0201
has "allow an error" "$tmp/err" "E0201 is an error, and an error cannot be allowed"
run "warn an error" 2 "$bindc" check "$ex/mistakes.bind" -W E0102
run "unknown code" 2 "$bindc" check "$ex/shop.bind" --allow W0499
has "unknown code" "$tmp/err" "unknown diagnostic code \`W0499\`"
# A target's warning obeys the levels and `# bindc: allow`.
run "allow a target's warning" 0 "$bindc" compile "$tmp/any4.bind" --target iis --allow W0407
[ ! -s "$tmp/err" ] && ok || { bad "--allow W0407 on the iis target left output"; cat "$tmp/err"; }
run "deny a target's warning" 1 "$bindc" compile "$tmp/any4.bind" --target iis --deny W0407 -o "$tmp/denied.config"
[ ! -e "$tmp/denied.config" ] && ok || bad "--deny W0407: the file was written"
printf 'site a {\n    http 0.0.0.0:80:a.example  # bindc: allow W0407\n    http 0.0.0.0:80:www.a.example\n}\n' > "$tmp/allow.bind"
run "comment allows a target's warning" 0 "$bindc" compile "$tmp/allow.bind" --target iis
count "comment allows a target's warning" "$tmp/err" "warning[W0407]" 1
has "comment allows a target's warning" "$tmp/err" "allow.bind:3:"
run "levels in --target all" 0 "$bindc" compile "$tmp/any4.bind" --target all -o "$tmp/lv" --allow W0407
lacks "levels in --target all" "$tmp/err" "W0407"

# ---- --error-limit, and what was not shown ------------------------------------------------------------
for i in 1 2 3 4 5; do printf 'site s%d {\n    http *:0%d:a%d\n}\n' $i $i $i; done > "$tmp/five.bind"
run "limit 3" 1 "$bindc" check "$tmp/five.bind" --error-limit 3
count "limit 3" "$tmp/err" "error[E0102]" 3
has "limit 3" "$tmp/err" "bindc: 2 more diagnostics not shown (--error-limit 3; 0 shows them all)"
tail -n 1 "$tmp/err" | grep -q -x "5 errors generated." && ok || bad "limit 3: the summary counts them all"
run "limit json" 1 "$bindc" check "$tmp/five.bind" --error-limit 2 --diagnostics-format json
has "limit json" "$tmp/err" '{"type":"summary","errors":5,"warnings":0,"hints":0,"not_shown":3}'
run "limit 0" 1 "$bindc" check "$tmp/five.bind" --error-limit 0
count "limit 0" "$tmp/err" "error[E0102]" 5
# The default: 20 in text.
for i in $(seq 1 30); do printf 'site s%d {\n    http *:0%d:a%d\n}\n' $i $i $i; done > "$tmp/thirty.bind"
run "default limit" 1 "$bindc" check "$tmp/thirty.bind"
count "default limit" "$tmp/err" "error[E0102]" 20
has "default limit" "$tmp/err" "10 more diagnostics not shown (--error-limit 20"

# ---- a fleet's hints: ten, then one line ----------------------------------------------------------------------
for i in $(seq 1 300); do printf 'site s%d {\n    http *:80:shop%d.example\n}\n' $i $i; done > "$tmp/fleet.bind"
run "fleet hints" 0 "$bindc" check "$tmp/fleet.bind"
count "fleet hints" "$tmp/err" "hint[I0401]" 10
has "fleet hints" "$tmp/err" "and 290 more I0401 like these (--allow I0401 to silence them)"
tail -n 1 "$tmp/err" | grep -q -x "300 hints generated." && ok || { bad "fleet hints: summary"; tail -3 "$tmp/err"; }
[ "$(wc -l < "$tmp/err")" -lt 60 ] && ok || bad "fleet hints: $(wc -l < "$tmp/err") lines"
run "fleet hints allowed" 0 "$bindc" check "$tmp/fleet.bind" --allow I0401
[ ! -s "$tmp/err" ] && ok || bad "fleet hints allowed: output left"
run "fleet json is whole" 0 "$bindc" check "$tmp/fleet.bind" --diagnostics-format json
count "fleet json is whole" "$tmp/err" '"code":"I0401"' 300

# ---- route: an answer, not the whole check again ---------------------------------------------------------------
run "route quiet" 0 "$bindc" route "$tmp/fleet.bind" http://shop7.example/
[ ! -s "$tmp/err" ] && ok || { bad "route printed the check's hints"; head -5 "$tmp/err"; }
has "route quiet" "$tmp/out" "site:    s7"
run "route verbose" 0 "$bindc" route "$tmp/fleet.bind" http://shop7.example/ --verbose
has "route verbose" "$tmp/err" "300 hints generated."
cat > "$tmp/unreach.bind" <<'EOF'
iplisten 10.0.0.1
site a {
    http 10.0.0.1:80:a.example
    http 10.0.0.2:80:a.example
}
site b {
    http *:80:b.example
}
EOF
"$bindc" check "$tmp/unreach.bind" > /dev/null 2> "$tmp/chk"
has "check finds W0405" "$tmp/chk" "warning[W0405]"
run "route, about the answer" 0 "$bindc" route "$tmp/unreach.bind" http://b.example/ --local-ip 10.0.0.1
lacks "route, about another binding" "$tmp/err" "W0405"
run "route errors" 1 "$bindc" route "$ex/mistakes.bind" http://shop.example/
count "route errors" "$tmp/err" "error[" 5

# ---- diagnostics reach standard error in few writes --------------------------------------------------------
# Each record is made whole and written with one write(2) (stderr has no
# buffer: piece by piece, 1,000 hints were 226,613 system calls).  strace
# counts them; without it this test fails, it does not pass unchecked.
writes() {  # TRACE: the write(2) and writev(2) calls traced
    grep -c -E '^([0-9]+ +)?(write|writev)\(' "$1"
}
if command -v strace > /dev/null; then
    for i in $(seq 1 6000); do printf 'site s%d {\n    http *:80:shop%d.example\n}\n' $i $i; done > "$tmp/fleet6k.bind"
    NO_COLOR=1 strace -f -qq -e trace=write,writev -o "$tmp/trace" "$bindc" check "$tmp/fleet6k.bind" 2> "$tmp/err" > /dev/null
    has "6,000 hints: written" "$tmp/err" "6000 hints generated."
    n=$(writes "$tmp/trace")
    [ "$n" -le 20 ] && ok || bad "6,000 hints: $n writes, expected at most 20"
    for i in $(seq 1 6000); do printf 'site s%d {\n    http *:080:a%d\n}\n' $i $i; done > "$tmp/zeros6k.bind"
    NO_COLOR=1 strace -f -qq -e trace=write,writev -o "$tmp/trace" "$bindc" check "$tmp/zeros6k.bind" --error-limit 0 2> "$tmp/err" > /dev/null
    count "6,000 errors: written" "$tmp/err" "error[E0102]" 6000
    n=$(writes "$tmp/trace")
    [ "$n" -le 6010 ] && ok || bad "6,000 errors: $n writes, expected at most one a record"
    NO_COLOR=1 strace -f -qq -e trace=write,writev -o "$tmp/trace" "$bindc" check "$tmp/zeros6k.bind" --error-limit 0 --diagnostics-format json 2> "$tmp/err" > /dev/null
    count "6,000 errors in json: written" "$tmp/err" '"code":"E0102"' 6000
    n=$(writes "$tmp/trace")
    [ "$n" -le 6010 ] && ok || bad "6,000 errors in json: $n writes, expected at most one a record"
else
    bad "strace is not installed (.ci/install-deps installs it): the writes cannot be counted"
fi

# ---- a file that is not UTF-8 text: one diagnostic, saying what it is and how to convert it ---------------
# Each Unicode form with and without its byte order mark (iconv -t UTF-16
# and UTF-32 write one; PowerShell 5's `>` writes UTF-16LE with one): one
# E0004 naming the form, and the iconv command of its note gives back the
# file byte for byte.
foreign() {  # NAME FILE WHAT
    local name=$1 file=$2 what=$3
    run "$name" 1 "$bindc" check "$file"
    count "$name: one diagnostic" "$tmp/err" "error[" 1
    has "$name" "$tmp/err" "error[E0004]: $file is $what"
    [ "$(wc -l < "$tmp/err")" = 3 ] && [ ! -s "$tmp/out" ] && ok || { bad "$name: more than the diagnostic"; cat "$tmp/out" "$tmp/err"; }
}
converts() {  # NAME FILE: the note's iconv command gives back shop.bind
    local cmd
    cmd=$(grep -o 'iconv -f [^`]* -t UTF-8' "$tmp/err")
    if [ -n "$cmd" ] && $cmd < "$2" > "$tmp/back.bind" && cmp -s "$tmp/back.bind" "$ex/shop.bind"; then ok
    else bad "$1: the note's \`${cmd:-no iconv command}\` does not give the file back"; fi
}
for form in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do
    iconv -f UTF-8 -t "$form" "$ex/shop.bind" > "$tmp/$form.bind"
    foreign "$form" "$tmp/$form.bind" "$form text without a byte order mark"
    converts "$form" "$tmp/$form.bind"
    has "$form: PowerShell told the encoding" "$tmp/err" "(Get-Content -Encoding "
done
# The marks, in each byte order; PowerShell 5's `>` writes UTF-16LE's.
printf '\xff\xfe' > "$tmp/UTF-16LE-bom.bind"; iconv -f UTF-8 -t UTF-16LE "$ex/shop.bind" >> "$tmp/UTF-16LE-bom.bind"
printf '\xfe\xff' > "$tmp/UTF-16BE-bom.bind"; iconv -f UTF-8 -t UTF-16BE "$ex/shop.bind" >> "$tmp/UTF-16BE-bom.bind"
printf '\xff\xfe\x00\x00' > "$tmp/UTF-32LE-bom.bind"; iconv -f UTF-8 -t UTF-32LE "$ex/shop.bind" >> "$tmp/UTF-32LE-bom.bind"
printf '\x00\x00\xfe\xff' > "$tmp/UTF-32BE-bom.bind"; iconv -f UTF-8 -t UTF-32BE "$ex/shop.bind" >> "$tmp/UTF-32BE-bom.bind"
for form in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do
    foreign "$form with a mark" "$tmp/$form-bom.bind" "$form text (it starts with a byte order mark"
    converts "$form with a mark" "$tmp/$form-bom.bind"
done
"$bindc" check "$tmp/UTF-16LE-bom.bind" > /dev/null 2> "$tmp/err"
has "PowerShell's UTF-16LE" "$tmp/err" "Windows PowerShell 5's \`>\` writes it"
iconv -f UTF-8 -t UTF-32 "$ex/shop.bind" > "$tmp/iconv32.bind"
foreign "iconv -t UTF-32" "$tmp/iconv32.bind" "UTF-32"
converts "iconv -t UTF-32" "$tmp/iconv32.bind"
run "json: one record" 1 "$bindc" check "$tmp/UTF-32LE.bind" --diagnostics-format json
count "json: one record" "$tmp/err" '"code":' 1
foreign "a binary file" /bin/ls "not text (a binary file)"
# fmt reads the file as check does.
run "fmt UTF-16" 1 "$bindc" fmt "$tmp/UTF-16LE-bom.bind"
count "fmt UTF-16: one diagnostic" "$tmp/err" "error[" 1
[ "$(wc -l < "$tmp/err")" = 3 ] && [ ! -s "$tmp/out" ] && ok || { bad "fmt UTF-16: more than the diagnostic"; cat "$tmp/out" "$tmp/err"; }

# ---- one pipe: diagnostics and standard output in the order they were made --------------------------------------
printf 'site a {\n    http *:80:a\n}\n' > "$tmp/good.bind"
printf 'site b {\n    http *:80:b\n' > "$tmp/broken.bind"
NO_COLOR=1 "$bindc" fmt "$tmp/good.bind" "$tmp/broken.bind" > "$tmp/both" 2>&1
first_out=$(grep -n -m1 '^site a' "$tmp/both" | cut -d: -f1)
first_err=$(grep -n -m1 'error\[' "$tmp/both" | cut -d: -f1)
[ -n "$first_out" ] && [ -n "$first_err" ] && [ "$first_out" -lt "$first_err" ] && ok || { bad "fmt: standard output not flushed before the diagnostics"; cat "$tmp/both"; }
NO_COLOR=1 "$bindc" route "$tmp/fleet.bind" http://shop7.example/ --verbose > "$tmp/both" 2>&1
[ "$(tail -n 3 "$tmp/both" | head -n 1 | cut -c1-5)" = "site:" ] && ok || { bad "route: the answer is not after the diagnostics"; tail -5 "$tmp/both"; }
NO_COLOR=1 "$bindc" compile "$tmp/any4.bind" --target iis > "$tmp/both" 2>&1
[ "$(head -n 1 "$tmp/both" | cut -c1-8)" != "<?xml ve" ] && ok || { bad "compile: output before its diagnostics"; head -3 "$tmp/both"; }

echo "$pass passed, $fail failed"
[ $fail = 0 ]
