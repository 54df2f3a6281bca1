#!/usr/bin/env bash
# Output paths behave as users of cp, gofmt -w and sed -i expect, for
# compile -o, --target all -o DIR, --merge in place and fmt --write:
#  - `-o -`, /dev/stdout: standard output; /dev/null, /dev/full, a FIFO:
#    written directly, never replaced;
#  - a symbolic link: written through (its target replaced, the link kept);
#    a dangling one and another user's link in a sticky world-writable
#    folder are refused;
#  - an output that is one of the inputs (a .bind, a `use`d file, the
#    merged file, a link or hard link to one): exit 2, nothing written;
#  - a file the user may not write: refused as open(2) would (and, as root,
#    a file without a write bit), naming it; a replaced file keeps its mode
#    and owner — checked as root and as an unprivileged user (setpriv or
#    runuser to nobody, in a folder everyone may write);
# and --merge: the .bak chain (never overwritten, mode and owner kept), a
# merge that changes nothing writes nothing, --dry-run prints the unified
# diff (the one `diff -u` prints, which `patch` applies) and writes nothing,
# --prune and --dry-run only with --merge.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2> /dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok; else bad "$1"; fi; }     # NAME CONDITION
run() { "$@" > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; }
rc() { cat "$tmp/rc"; }
said() { grep -q -F -- "$1" "$tmp/err"; }
no_temps() { [ -z "$(find "$@" -name '*.tmp??????' 2> /dev/null)" ]; }
shop=$src/examples/shop.bind
fixtures=$src/tests/fixtures/iis
hwc=$fixtures/shirhatti-HwcConsole.config
cd "$tmp" || exit 1
"$bindc" compile "$shop" --target json > want.json 2> /dev/null || bad "compile to stdout"

# ---- Standard output and devices ----
# A bindc that got these rules wrong would replace the devices it is
# pointed at, and as root /dev is writable: so root points it at device
# nodes of its own (mknod in this test's folder: the same drivers), and
# runs the /dev/stdout case as an unprivileged user, who cannot replace
# anything in /dev.  Other users use /dev itself.
unpriv=()
if [ "$(id -u)" = 0 ]; then
    mkdir -p bin0
    cp "$bindc" bin0/bindc
    chmod 755 . bin0 bin0/bindc
    cp "$shop" bin0/shop.bind
    chmod 644 bin0/shop.bind
    for u in "setpriv --reuid=65534 --regid=65534 --clear-groups" "runuser -u nobody --"; do
        $u bin0/bindc check bin0/shop.bind > /dev/null 2>&1 && { read -r -a unpriv <<< "$u"; break; }
    done
    if mknod -m 666 null c 1 3 2> /dev/null && mknod -m 666 full c 1 7 2> /dev/null; then
        null=$tmp/null full=$tmp/full
    else
        null= full=
        echo "SKIP devices: root, and mknod is not allowed here"
    fi
else
    null=/dev/null full=/dev/full
fi
run "$bindc" compile "$shop" --target json -o -
check "-o -: exit $(rc)" '[ $(rc) = 0 ] && cmp -s out want.json'
if [ "$(id -u)" != 0 ]; then
    run "$bindc" compile "$shop" --target json -o /dev/stdout
    check "-o /dev/stdout into a file: exit $(rc)" '[ $(rc) = 0 ] && cmp -s out want.json'
    "$bindc" compile "$shop" --target json -o /dev/stdout 2> /dev/null | cat > piped.json
    check "-o /dev/stdout into a pipe" 'cmp -s piped.json want.json'
elif [ ${#unpriv[@]} -gt 0 ]; then
    "$bindc" compile bin0/shop.bind --target json > want0.json 2> /dev/null
    "${unpriv[@]}" bin0/bindc compile bin0/shop.bind --target json -o /dev/stdout > out 2> /dev/null
    check "-o /dev/stdout into a file" 'cmp -s out want0.json'
    "${unpriv[@]}" bin0/bindc compile bin0/shop.bind --target json -o /dev/stdout 2> /dev/null | cat > piped.json
    check "-o /dev/stdout into a pipe" 'cmp -s piped.json want0.json'
fi
if [ -n "$null" ]; then
    null_before=$(stat -c '%F %t:%T' "$null")
    run "$bindc" compile "$shop" --target json -o "$null"
    check "-o $null: exit $(rc)" '[ $(rc) = 0 ]'
    check "-o $null: the device was replaced" '[ "$(stat -c "%F %t:%T" "$null")" = "$null_before" ]'
    full_before=$(stat -c '%F %t:%T %a' "$full")
    run "$bindc" compile "$shop" --target json -o "$full"
    check "-o $full: exit $(rc), expected 2" '[ $(rc) = 2 ]'
    check "-o $full: message: $(cat err)" 'said "bindc: cannot write $full: No space left on device"'
    check "-o $full: the device was replaced" '[ "$(stat -c "%F %t:%T %a" "$full")" = "$full_before" ]'
    # --target all into a folder whose nginx.conf is a link to the null device.
    mkdir devall
    ln -s "$null" devall/nginx.conf
    run "$bindc" compile "$shop" --target all -o devall
    check "--target all, nginx.conf -> $null: exit $(rc)" '[ $(rc) = 0 ]'
    check "--target all, nginx.conf -> $null: the link was replaced" '[ -L devall/nginx.conf ] && [ "$(readlink devall/nginx.conf)" = "$null" ]'
    check "--target all, nginx.conf -> $null: the device was replaced" '[ "$(stat -c "%F %t:%T" "$null")" = "$null_before" ]'
    check "--target all, nginx.conf -> $null: the others not written" '[ -s devall/model.json ] && cmp -s devall/model.json want.json'
fi
mkfifo fifo
timeout 10 cat fifo > from_fifo &         # (a bindc that replaced the FIFO would leave it waiting)
reader=$!
run "$bindc" compile "$shop" --target json -o fifo
wait $reader
check "-o FIFO: exit $(rc)" '[ $(rc) = 0 ] && cmp -s from_fifo want.json'
check "-o FIFO: it was replaced" '[ -p fifo ]'

# ---- Symbolic links ----
mkdir -p real links
echo old > real/model.json
chmod 640 real/model.json
ln -s ../real/model.json links/model.json
ln -s model.json links/chain.json
run "$bindc" compile "$shop" --target json -o links/model.json
check "link: exit $(rc)" '[ $(rc) = 0 ]'
check "link: the link was replaced" '[ -L links/model.json ] && [ "$(readlink links/model.json)" = ../real/model.json ]'
check "link: the target is not the new file" 'cmp -s real/model.json want.json'
check "link: the target lost its mode (640): $(stat -c %a real/model.json)" '[ "$(stat -c %a real/model.json)" = 640 ]'
echo old > real/model.json
run "$bindc" compile "$shop" --target json -o links/chain.json
check "a link to a link: exit $(rc)" '[ $(rc) = 0 ] && [ -L links/chain.json ] && [ -L links/model.json ] && cmp -s real/model.json want.json'
check "links: temporary files left" 'no_temps real links'
ln -s nowhere.json links/dangling.json
run "$bindc" compile "$shop" --target json -o links/dangling.json
check "dangling link: exit $(rc), expected 2" '[ $(rc) = 2 ]'
check "dangling link: message: $(cat err)" 'said "bindc: cannot write links/dangling.json: it is a symbolic link to a file that does not exist"'
check "dangling link: something was created" '[ ! -e links/nowhere.json ] && [ -L links/dangling.json ]'
# --target all through links; fmt --write through a link.
mkdir linked
echo old > real/netsh.cmd
ln -s ../real/netsh.cmd linked/netsh.cmd
run "$bindc" compile "$shop" --target all -o linked
check "--target all through a link: exit $(rc)" '[ $(rc) = 0 ] && [ -L linked/netsh.cmd ] && [ "$(head -c 3 real/netsh.cmd)" = "@ec" ]'
printf 'site a {\n  http *:80:a.example\n}\n' > real/a.bind
ln -s ../real/a.bind links/a.bind
run "$bindc" fmt --write links/a.bind
check "fmt --write through a link: exit $(rc)" '[ $(rc) = 0 ] && [ -L links/a.bind ] && grep -q "^    http" real/a.bind'

# ---- An output that is an input ----
cp "$shop" self.bind
cp self.bind self.prev
run "$bindc" compile self.bind --target json -o self.bind
check "-o the input: exit $(rc), expected 2" '[ $(rc) = 2 ]'
check "-o the input: message: $(cat err)" 'said "bindc: cannot write self.bind: it is the input file self.bind"'
check "-o the input: the input changed" 'cmp -s self.bind self.prev'
ln -s self.bind selflink.bind
ln self.bind selfhard.bind
run "$bindc" compile self.bind --target json -o selflink.bind
check "-o a link to the input: exit $(rc)" '[ $(rc) = 2 ] && cmp -s self.bind self.prev'
run "$bindc" compile self.bind --target json -o selfhard.bind
check "-o a hard link to the input: exit $(rc)" '[ $(rc) = 2 ] && cmp -s self.bind self.prev'
mkdir -p uses
printf 'site used {\n    http *:80:used.example\n}\n' > uses/lib.bind
printf 'use "lib.bind"\n' > uses/main.bind
cp uses/lib.bind lib.prev
run "$bindc" compile uses/main.bind --target json -o uses/lib.bind
check "-o a used file: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s uses/lib.bind lib.prev'
check "-o a used file: message: $(cat err)" 'said "bindc: cannot write uses/lib.bind: it is the input file"'
cp "$hwc" m.config
cp m.config m.prev
run "$bindc" compile "$shop" --target iis --merge m.config -o m.config
check "--merge X -o X: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s m.config m.prev && [ ! -e m.config.bak ]'
mkdir selfall
ln -s ../self.bind selfall/nginx.conf
run "$bindc" compile self.bind --target all -o selfall
check "--target all onto the input: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s self.bind self.prev'
check "--target all onto the input: wrote $(ls selfall | tr '\n' ' ')" '[ "$(ls selfall)" = nginx.conf ]'
check "inputs: temporary files left" 'no_temps .'

# ---- Read-only files, modes and owners (as whoever runs the suite) ----
cp "$hwc" ro.config
chmod 444 ro.config
cp ro.config ro.prev
echo old > ro.json
chmod 444 ro.json
printf 'site a {\n  http *:80:a.example\n}\n' > ro.bind
chmod 444 ro.bind
cp ro.bind robind.prev
run "$bindc" compile "$shop" --target json -o ro.json
check "a read-only file: exit $(rc), expected 2" '[ $(rc) = 2 ] && [ "$(cat ro.json)" = old ]'
if [ "$(id -u)" = 0 ]; then
    check "a read-only file as root: message: $(cat err)" 'said "bindc: cannot write ro.json: it has no write permission"'
else
    check "a read-only file: message: $(cat err)" 'said "bindc: cannot write ro.json: Permission denied"'
fi
run "$bindc" compile "$shop" --target iis --merge ro.config
check "--merge into a read-only file: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s ro.config ro.prev && [ ! -e ro.config.bak ]'
check "--merge into a read-only file: message: $(cat err)" 'said "bindc: cannot write ro.config:"'
run "$bindc" fmt --write ro.bind
check "fmt --write of a read-only file: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s ro.bind robind.prev'
"$bindc" fmt ro.bind > formatted.bind 2> /dev/null
cp formatted.bind ro2.bind
chmod 444 ro2.bind
run "$bindc" fmt --write ro2.bind
check "fmt --write of a read-only file already formatted: exit $(rc), expected 0" '[ $(rc) = 0 ]'
echo old > m640.json
chmod 640 m640.json
run "$bindc" compile "$shop" --target json -o m640.json
check "mode kept: $(stat -c %a m640.json)" '[ $(rc) = 0 ] && [ "$(stat -c %a m640.json)" = 640 ]'
if [ "$(id -u)" = 0 ]; then
    chown 65534:65534 m640.json
    run "$bindc" compile "$shop" --target nginx -o m640.json
    check "root: owner kept: $(stat -c %u:%g m640.json)" '[ $(rc) = 0 ] && [ "$(stat -c %u:%g m640.json)" = 65534:65534 ]'
    check "root: mode kept: $(stat -c %a m640.json)" '[ "$(stat -c %a m640.json)" = 640 ]'
    printf 'site a {\n  http *:80:a.example\n}\n' > owned.bind
    chown 65534:65534 owned.bind
    chmod 604 owned.bind
    run "$bindc" fmt --write owned.bind
    check "root, fmt --write: owner and mode kept: $(stat -c %u:%g:%a owned.bind)" '[ $(rc) = 0 ] && [ "$(stat -c %u:%g:%a owned.bind)" = 65534:65534:604 ]'
    # Another user's symbolic link in a sticky world-writable folder (as
    # /tmp): the kernel would not follow it for root (fs.protected_symlinks),
    # nor does bindc.
    if command -v setpriv > /dev/null; then
        mkdir sticky
        chmod 1777 sticky
        echo victim > victim
        setpriv --reuid=65534 --regid=65534 --clear-groups ln -s "$tmp/victim" sticky/out.json 2> /dev/null
        if [ -L sticky/out.json ]; then
            run "$bindc" compile "$shop" --target json -o sticky/out.json
            check "another user's link in /tmp-like folder: exit $(rc), expected 2" '[ $(rc) = 2 ] && [ "$(cat victim)" = victim ]'
            check "another user's link: message: $(cat err)" 'said "bindc: cannot write sticky/out.json: Permission denied"'
        fi
    fi
fi

# ---- The .bak chain ----
mkdir chain
cp "$hwc" chain/h.config
chmod 640 chain/h.config
[ "$(id -u)" = 0 ] && chown 65534:65534 chain/h.config
owner=$(stat -c %u:%g chain/h.config)
cp chain/h.config chain0
printf 'an older .bak\n' > chain/h.config.bak
printf 'site "Alpha" {\n    id = 10\n    http *:80:alpha.example\n    http *:80:www.alpha.example\n}\n' > alpha.bind
printf 'site "Beta" {\n    id = 11\n    http *:80:beta.example\n    http *:80:www.beta.example\n}\n' > beta.bind
run "$bindc" compile alpha.bind --target iis --merge chain/h.config
check "chain 1: exit $(rc): $(cat err)" '[ $(rc) = 0 ]'
check "chain 1: an existing .bak was overwritten" '[ "$(cat chain/h.config.bak)" = "an older .bak" ]'
check "chain 1: .bak.1 is not the previous file" 'cmp -s chain/h.config.bak.1 chain0'
check "chain 1: .bak.1 mode/owner $(stat -c %a:%u:%g chain/h.config.bak.1)" '[ "$(stat -c %a:%u:%g chain/h.config.bak.1)" = "640:$owner" ]'
check "chain 1: the file's mode/owner $(stat -c %a:%u:%g chain/h.config)" '[ "$(stat -c %a:%u:%g chain/h.config)" = "640:$owner" ]'
check "chain 1: stderr names the .bak: $(cat err)" 'said "bindc: chain/h.config: the previous file is kept as chain/h.config.bak.1"'
check "chain 1: stderr says what changed: $(cat err)" 'said "bindc: chain/h.config: " && grep -q Alpha err'
cp chain/h.config chain1
run "$bindc" compile beta.bind --target iis --merge chain/h.config
check "chain 2: exit $(rc)" '[ $(rc) = 0 ] && cmp -s chain/h.config.bak.2 chain1 && cmp -s chain/h.config.bak.1 chain0'
check "chain 2: both sites" 'grep -q "name=\"Alpha\"" chain/h.config && grep -q "name=\"Beta\"" chain/h.config'
# A gap in the chain: the next one comes after the highest.
printf 'x\n' > chain/h.config.bak.7
cp chain/h.config chain2
run "$bindc" compile "$shop" --target iis --merge chain/h.config
check "chain 3: after .bak.7 comes .bak.8: $(ls chain | tr '\n' ' ')" '[ $(rc) = 0 ] && cmp -s chain/h.config.bak.8 chain2 && [ "$(cat chain/h.config.bak.7)" = x ]'
# A merge that changes nothing: not written at all (same inode and mtime), no .bak.
ls chain > listing
before=$(stat -c %i:%Y:%y chain/h.config)
run "$bindc" compile "$shop" --target iis --merge chain/h.config
check "unchanged: exit $(rc)" '[ $(rc) = 0 ]'
check "unchanged: the file was written" '[ "$(stat -c %i:%Y:%y chain/h.config)" = "$before" ]'
check "unchanged: a file was added: $(ls chain | tr '\n' ' ')" '[ "$(ls chain)" = "$(cat listing)" ]'
check "unchanged: message: $(cat err)" 'said "bindc: chain/h.config: unchanged: the merge changes nothing; nothing written"'
check "chain: temporary files left" 'no_temps chain'

# ---- --dry-run and --prune ----
cp "$hwc" dry.config
cp dry.config dry.prev
run "$bindc" compile "$shop" --target iis --merge dry.config --dry-run
cp out dry.diff
check "--dry-run: exit $(rc)" '[ $(rc) = 0 ]'
check "--dry-run: the file changed or a .bak was written" 'cmp -s dry.config dry.prev && [ "$(ls dry.config*)" = dry.config ]'
check "--dry-run: stderr says what changed: $(cat err)" 'said "bindc: dry.config: " && grep -q Shop err'
"$bindc" compile "$shop" --target iis --merge dry.config -o dry.merged 2> /dev/null
diff -u --label dry.config --label 'dry.config (merged)' dry.config dry.merged > dry.want
check "--dry-run: not the diff -u of the merge: $(diff dry.diff dry.want | head -5)" 'cmp -s dry.diff dry.want'
check "--dry-run: headers" '[ "$(head -n 2 dry.diff)" = "$(printf -- "--- dry.config\n+++ dry.config (merged)")" ]'
# Every fixture: the diff turns the file into the merged one under patch.
if command -v patch > /dev/null; then
    for f in "$fixtures"/*.config; do
        cp "$f" fx.config
        "$bindc" compile "$shop" --target iis --merge fx.config --dry-run > fx.diff 2> /dev/null || continue
        "$bindc" compile "$shop" --target iis --merge fx.config -o fx.merged 2> /dev/null
        cp fx.config fx.patched
        patch -s fx.patched < fx.diff > /dev/null 2>&1
        check "--dry-run of $(basename "$f"): patch does not give the merge" 'cmp -s fx.patched fx.merged'
        rm -f fx.patched fx.patched.orig fx.patched.rej
    done
fi
cp chain/h.config same.config
run "$bindc" compile "$shop" --target iis --merge same.config --dry-run
check "--dry-run, unchanged: exit $(rc), stdout $(wc -c < out) bytes" '[ $(rc) = 0 ] && [ ! -s out ]'
check "--dry-run, unchanged: message: $(cat err)" 'said "bindc: same.config: unchanged"'
# --prune removes the sites the .bind files do not name.
cp chain1 prune.config
run "$bindc" compile beta.bind --target iis --merge prune.config --dry-run --prune
check "--prune --dry-run: exit $(rc)" '[ $(rc) = 0 ] && grep -q "^-.*name=\"Alpha\"" out && cmp -s prune.config chain1'
run "$bindc" compile beta.bind --target iis --merge prune.config --prune
check "--prune: exit $(rc)" '[ $(rc) = 0 ] && ! grep -q "name=\"Alpha\"" prune.config && grep -q "name=\"Beta\"" prune.config'
run "$bindc" compile beta.bind --target iis --merge chain1 -o chain1.out
check "no --prune: the other sites stay" '[ $(rc) = 0 ] && grep -q "name=\"Alpha\"" chain1'
for bad_args in "--target iis --prune" "--target iis --dry-run" "--target json --merge m.config --prune" "--target all -o - " ; do
    run "$bindc" compile "$shop" $bad_args
    check "usage: $bad_args: exit $(rc), expected 2" '[ $(rc) = 2 ]'
done

# ---- As an unprivileged user ----
# Root passes every permission check of the kernel, so the rules for
# users run as uid 65534 (nobody), from copies it can read, in a folder
# everyone may write (where a rename could replace any file in it).
as_user=()
if [ "$(id -u)" != 0 ]; then as_user=(env)
else
    mkdir bin
    cp "$bindc" "$shop" bin/
    chmod 755 . bin bin/bindc
    chmod 644 bin/shop.bind
    for u in "setpriv --reuid=65534 --regid=65534 --clear-groups" "runuser -u nobody --"; do
        $u bin/bindc check bin/shop.bind > /dev/null 2>&1 && { read -r -a as_user <<< "$u"; break; }
    done
    bindc=$tmp/bin/bindc
    shop=$tmp/bin/shop.bind
fi
if [ ${#as_user[@]} -gt 0 ]; then
    mkdir shared
    chmod 777 shared
    me=$("${as_user[@]}" id -u)
    echo theirs > shared/theirs.json             # another user's, 0644: may not write it
    echo mine > shared/ro.json                   # our own, without a write bit
    echo mine > shared/mine.json                 # our own, 0640
    echo grouped > shared/grouped.json           # another user's, but writable for us
    cp "$hwc" shared/theirs.config
    printf 'site a {\n  http *:80:a.example\n}\n' > shared/theirs.bind
    if [ "$(id -u)" = 0 ]; then
        chown 65534:65534 shared/ro.json shared/mine.json
        chmod 666 shared/grouped.json
    fi
    chmod 644 shared/theirs.json shared/theirs.config shared/theirs.bind
    chmod 444 shared/ro.json
    chmod 640 shared/mine.json
    user() { "${as_user[@]}" "$bindc" "$@" > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; }
    if [ "$me" != "$(stat -c %u shared/theirs.json)" ]; then
        user compile "$shop" --target json -o shared/theirs.json
        check "user: another's file: exit $(rc), expected 2" '[ $(rc) = 2 ] && [ "$(cat shared/theirs.json)" = theirs ]'
        check "user: another's file: message: $(cat err)" 'said "bindc: cannot write shared/theirs.json: Permission denied"'
        user compile "$shop" --target iis --merge shared/theirs.config
        check "user: --merge into another's file: exit $(rc), expected 2" '[ $(rc) = 2 ] && cmp -s shared/theirs.config "$hwc" && [ ! -e shared/theirs.config.bak ]'
        user fmt --write shared/theirs.bind
        check "user: fmt --write of another's file: exit $(rc), expected 2" '[ $(rc) = 2 ] && grep -q "^  http" shared/theirs.bind'
        user compile "$shop" --target json -o shared/grouped.json
        check "user: another's file we may write, whose owner we cannot keep: exit $(rc), expected 2" '[ $(rc) = 2 ] && [ "$(cat shared/grouped.json)" = grouped ]'
        check "user: owner not kept: message: $(cat err)" 'said "bindc: cannot write shared/grouped.json: its owner or group is not yours"'
    fi
    user compile "$shop" --target json -o shared/ro.json
    check "user: our read-only file: exit $(rc), expected 2" '[ $(rc) = 2 ] && [ "$(cat shared/ro.json)" = mine ]'
    check "user: our read-only file: message: $(cat err)" 'said "bindc: cannot write shared/ro.json: Permission denied"'
    user compile "$shop" --target json -o shared/mine.json
    check "user: our file: exit $(rc): $(cat err)" '[ $(rc) = 0 ] && cmp -s shared/mine.json want.json && [ "$(stat -c %a shared/mine.json)" = 640 ]'
    user compile "$shop" --target json -o shared/new.json
    check "user: a new file: exit $(rc): $(cat err)" '[ $(rc) = 0 ] && [ "$(stat -c %u shared/new.json)" = "$me" ]'
    check "user: temporary files left" 'no_temps shared'
else
    echo "SKIP unprivileged user: root, and no setpriv or runuser here"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
