#!/usr/bin/env bash
# No data lost: every output goes to a temporary file that is renamed over
# the old one, so a failure at any point leaves the previous file
# byte-identical.  Failures simulated here: the process killed mid-write
# (SIGXFSZ from a file-size limit), a missing folder, an output path that is
# a folder, and --merge into a file that cannot be merged.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
same() {  # NAME FILE COPY
    if cmp -s "$2" "$3"; then ok; else bad "$1: the previous file changed"; fi
}
shop=$src/examples/shop.bind

# 1. Killed while writing: a 1 KiB file-size limit kills bindc with SIGXFSZ
#    as its temporary file grows past it.
mkdir -p "$tmp/out"
printf 'previous applicationhost.config\n' > "$tmp/out/applicationhost.config"
cp "$tmp/out/applicationhost.config" "$tmp/prev"
killed() {  # BLOCKS CMD...: run CMD under a file-size limit of BLOCKS KiB
    local blocks=$1; shift
    bash -c 'ulimit -f "$0"; exec "$@"' "$blocks" "$@" > /dev/null 2>&1
}
killed 1 "$bindc" compile "$shop" --target iis -o "$tmp/out/applicationhost.config" 2> /dev/null
rc=$?
[ $rc -ne 0 ] && ok || bad "killed write: exit 0"
same "killed write" "$tmp/out/applicationhost.config" "$tmp/prev"

# 2. --target all killed part-way: every previous file stays as it was.
"$bindc" compile "$shop" --target all -o "$tmp/all" > /dev/null 2>&1 || bad "--target all failed"
for f in "$tmp/all"/*; do printf 'old %s\n' "$(basename "$f")" > "$f"; done
cp -r "$tmp/all" "$tmp/all.prev"
killed 2 "$bindc" compile "$shop" --target all -o "$tmp/all" 2> /dev/null
"$bindc" compile "$shop" --target all -o "$tmp/new" > /dev/null 2>&1
for f in "$tmp/all.prev"/*; do
    n=$(basename "$f")
    # Each file is either the untouched old one or the complete new output.
    if cmp -s "$f" "$tmp/all/$n" || cmp -s "$tmp/new/$n" "$tmp/all/$n"; then ok
    else bad "--target all killed: $n is neither old nor new"; fi
done

# 3. A folder that does not exist: exit 2, nothing created.
"$bindc" compile "$shop" --target json -o "$tmp/missing/dir/model.json" > /dev/null 2>&1
[ $? = 2 ] && ok || bad "missing folder: exit code"
[ ! -e "$tmp/missing" ] && ok || bad "missing folder: something was created"

# 4. The output path is a folder: exit 2, the folder untouched, no temporary left.
mkdir -p "$tmp/isdir/model.json"
"$bindc" compile "$shop" --target json -o "$tmp/isdir/model.json" > /dev/null 2>&1
[ $? = 2 ] && ok || bad "output is a folder: exit code"
[ -d "$tmp/isdir/model.json" ] && [ -z "$(ls -A "$tmp/isdir/model.json")" ] && ok || bad "output is a folder: changed"
[ "$(ls "$tmp/isdir" | wc -l)" = 1 ] && ok || bad "output is a folder: a temporary file was left"

# 5. --merge into a file that does not parse: refused, untouched, no .bak.
printf '<configuration><system.applicationHost><sites>\n' > "$tmp/broken.config"
cp "$tmp/broken.config" "$tmp/broken.prev"
"$bindc" compile "$shop" --target iis --merge "$tmp/broken.config" > /dev/null 2>&1
[ $? = 1 ] && ok || bad "merge into broken XML: exit code"
same "merge into broken XML" "$tmp/broken.config" "$tmp/broken.prev"
[ ! -e "$tmp/broken.config.bak" ] && ok || bad "merge into broken XML: a .bak was written"

# 6. --merge in place killed mid-write: the original stays (the .bak, if
#    written, is an exact copy).
cp "$src/../shared/fixtures/iis/shirhatti-HwcConsole.config" "$tmp/hwc.config"
cp "$tmp/hwc.config" "$tmp/hwc.prev"
killed 4 "$bindc" compile "$shop" --target iis --merge "$tmp/hwc.config" 2> /dev/null
if cmp -s "$tmp/hwc.config" "$tmp/hwc.prev"; then ok
else
    grep -q 'name="Shop"' "$tmp/hwc.config" && xmllint --noout "$tmp/hwc.config" 2> /dev/null && ok || bad "merge killed: the file is neither old nor a complete merge"
fi
[ ! -e "$tmp/hwc.config.bak" ] || cmp -s "$tmp/hwc.config.bak" "$tmp/hwc.prev" && ok || bad "merge killed: the .bak differs from the original"

# 7. Inputs with errors write nothing, even over an existing file.
printf 'site a {\n    http *:99999:\n}\n' > "$tmp/bad.bind"
printf 'keep me\n' > "$tmp/keep.json"
cp "$tmp/keep.json" "$tmp/keep.prev"
"$bindc" compile "$tmp/bad.bind" --target json -o "$tmp/keep.json" > /dev/null 2>&1
[ $? = 1 ] && ok || bad "input errors: exit code"
same "input errors" "$tmp/keep.json" "$tmp/keep.prev"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
