#!/usr/bin/env bash
# No data lost: every output goes to a temporary file that is renamed over
# the old one, so a failure at any point leaves the previous file
# byte-identical and no temporary file behind.  Failures simulated here: a
# file-size limit (ulimit -f: a write error, exit 2, like a full disk), a
# missing folder, an output path that is a folder, --merge into a file that
# cannot be merged; then a full disk and a refused permission at each call
# of the write (an LD_PRELOAD shim, always), a real full disk (a tiny tmpfs,
# where mounts are allowed) and real permissions (an unwritable folder, an
# immutable file).  Signals: test_interrupts.sh; paths: test_output_paths.sh.
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'chattr -i "$tmp"/imm/* 2> /dev/null; chmod -R u+w "$tmp" 2> /dev/null; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
same() {  # NAME FILE COPY
    if cmp -s "$2" "$3"; then ok; else bad "$1: the previous file changed"; fi
}
shop=$src/examples/shop.bind

# 1. A file-size limit: write(2) fails with EFBIG (bindc ignores SIGXFSZ),
#    which is a write error like a full disk: exit 2, the file named,
#    nothing left behind.
mkdir -p "$tmp/out"
printf 'previous applicationhost.config\n' > "$tmp/out/applicationhost.config"
cp "$tmp/out/applicationhost.config" "$tmp/prev"
limited() {  # BLOCKS CMD...: run CMD under a file-size limit of BLOCKS KiB (stderr in $tmp/err)
    local blocks=$1; shift
    bash -c 'ulimit -f "$0"; exec "$@"' "$blocks" "$@" > /dev/null 2> "$tmp/err"
}
limited 1 "$bindc" compile "$shop" --target iis -o "$tmp/out/applicationhost.config"
rc=$?
[ $rc = 2 ] && ok || bad "file-size limit: exit $rc, expected 2"
grep -q -x -F "bindc: cannot write $tmp/out/applicationhost.config: File too large" "$tmp/err" && ok \
    || bad "file-size limit: no message naming the file: $(head -c 300 "$tmp/err")"
same "file-size limit" "$tmp/out/applicationhost.config" "$tmp/prev"
[ "$(ls -A "$tmp/out")" = applicationhost.config ] && ok || bad "file-size limit: left $(ls -A "$tmp/out" | tr '\n' ' ')"

# 2. --target all under a file-size limit: every previous file stays as it
#    was, no temporary file is left.
"$bindc" compile "$shop" --target all -o "$tmp/all" > /dev/null 2>&1 || bad "--target all failed"
for f in "$tmp/all"/*; do printf 'old %s\n' "$(basename "$f")" > "$f"; done
cp -r "$tmp/all" "$tmp/all.prev"
limited 2 "$bindc" compile "$shop" --target all -o "$tmp/all"
rc=$?
[ $rc = 2 ] && ok || bad "--target all, file-size limit: exit $rc, expected 2"
grep -q ': File too large$' "$tmp/err" && ok || bad "--target all, file-size limit: no message: $(head -c 300 "$tmp/err")"
diff -r "$tmp/all" "$tmp/all.prev" > /dev/null && ok || bad "--target all, file-size limit: a previous file changed or a file was left: $(ls -A "$tmp/all" | tr '\n' ' ')"
"$bindc" compile "$shop" --target all -o "$tmp/new" > /dev/null 2>&1

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

# 6. --merge in place under a file-size limit: the file and its .bak chain
#    stay as they were, no new .bak, nothing left behind.
cp "$src/tests/fixtures/iis/shirhatti-HwcConsole.config" "$tmp/hwc.config"
chmod 644 "$tmp/hwc.config"
cp "$tmp/hwc.config" "$tmp/hwc.prev"
limited 4 "$bindc" compile "$shop" --target iis --merge "$tmp/hwc.config"
rc=$?
[ $rc = 2 ] && ok || bad "merge, file-size limit: exit $rc, expected 2"
grep -q -x -F "bindc: cannot write $tmp/hwc.config: File too large" "$tmp/err" && ok \
    || bad "merge, file-size limit: no message naming the file: $(head -c 300 "$tmp/err")"
same "merge, file-size limit" "$tmp/hwc.config" "$tmp/hwc.prev"
[ -z "$(ls "$tmp" | grep -e '^hwc.config.')" ] && ok || bad "merge, file-size limit: left $(ls "$tmp" | grep -e '^hwc.config.' | tr '\n' ' ')"

# 7. Inputs with errors write nothing, even over an existing file.
printf 'site a {\n    http *:99999:\n}\n' > "$tmp/bad.bind"
printf 'keep me\n' > "$tmp/keep.json"
cp "$tmp/keep.json" "$tmp/keep.prev"
"$bindc" compile "$tmp/bad.bind" --target json -o "$tmp/keep.json" > /dev/null 2>&1
[ $? = 1 ] && ok || bad "input errors: exit code"
same "input errors" "$tmp/keep.json" "$tmp/keep.prev"

# ---- A full disk and a refused permission, at each call of the write ----
# The shim (tests/tools/io_fail_shim.c) fails one call of the atomic write
# (create, write, fsync, close, link, rename) on the files of one folder.  It
# needs no privilege, so this part always runs.
shim=${BINDC_IOFAIL_SHIM:-${BINDC_BUILD_DIR:-}/tests/libio_fail_shim.so}
[ -f "$shim" ] || { echo "FAIL the I/O failure shim is not built: $shim"; exit 1; }
preload=$shim
# A GCC ASan build loads libasan dynamically and ASan must come first in the
# preload list; clang links it statically and needs nothing.
asan=$(ldd "$bindc" 2> /dev/null | awk '/libasan/ { print $3; exit }')
[ -n "$asan" ] && preload=$asan:$shim
failing() {  # CALL AFTER ERRNO DIR CMD...: CMD, with CALL failing in DIR after AFTER bytes or calls
    local call=$1 after=$2 err=$3 dir=$4; shift 4
    IOFAIL_CALL=$call IOFAIL_AFTER=$after IOFAIL_ERRNO=$err IOFAIL_DIR=$dir LD_PRELOAD=$preload "$@"
}
only() {  # DIR NAME...: DIR holds exactly these files (no temporary left behind)
    local dir=$1; shift
    [ "$(ls -A "$dir" | sort)" = "$(printf '%s\n' "$@" | sort)" ]
}
strerror() {
    case $1 in
        ENOSPC) echo "No space left on device" ;; EDQUOT) echo "Disk quota exceeded" ;;
        EACCES) echo "Permission denied" ;; EPERM) echo "Operation not permitted" ;;
        EXDEV) echo "Invalid cross-device link" ;;
    esac
}
# refused NAME RC ERRNO FILE...: bindc exited 2 naming one of the FILEs and the error
refused() {
    local name=$1 rc=$2 err=$3 file found=0; shift 3
    [ "$rc" = 2 ] && ok || bad "$name: exit $rc, expected 2"
    for file in "$@"; do
        grep -q -x -F "bindc: cannot write $file: $(strerror "$err")" "$tmp/err" && found=1
    done
    [ $found = 1 ] && ok || bad "$name: no message naming $*: $(head -c 200 "$tmp/err")"
}

# One target: each call fails in turn; the write fails with nothing
# written, half of it, and all but the last byte.
"$bindc" compile "$shop" --target iis > "$tmp/iis.new" 2> /dev/null
size=$(wc -c < "$tmp/iis.new")
mkdir "$tmp/s"
printf 'previous applicationhost.config\n' > "$tmp/s/applicationhost.config"
cp "$tmp/s/applicationhost.config" "$tmp/s.prev"
for c in "write 0 ENOSPC" "write $((size / 2)) ENOSPC" "write $((size - 1)) ENOSPC" "write 0 EDQUOT" \
         "fsync 0 ENOSPC" "close 0 ENOSPC" "create 0 EACCES" "rename 0 EACCES" "rename 0 EPERM"; do
    set -- $c
    failing "$1" "$2" "$3" "$tmp/s" "$bindc" compile "$shop" --target iis -o "$tmp/s/applicationhost.config" > /dev/null 2> "$tmp/err"
    refused "one target, $c" $? "$3" "$tmp/s/applicationhost.config"
    same "one target, $c" "$tmp/s/applicationhost.config" "$tmp/s.prev"
    only "$tmp/s" applicationhost.config && ok || bad "one target, $c: left $(ls -A "$tmp/s" | tr '\n' ' ')"
done
# The control: when exactly the whole file fits, it is written.
failing write "$size" ENOSPC "$tmp/s" "$bindc" compile "$shop" --target iis -o "$tmp/s/applicationhost.config" > /dev/null 2>&1
[ $? = 0 ] && cmp -s "$tmp/s/applicationhost.config" "$tmp/iis.new" && only "$tmp/s" applicationhost.config && ok \
    || bad "one target: not written when it just fits"

# --target all: every file is written before the first is renamed, so a
# failure while writing leaves the whole set as it was.  Budgets: none, half
# of the set, all but its last byte; the 4th fsync, the last close, the 5th
# create, the first rename.  The outputs are made two at a time, so which
# file a write, fsync, close or create failure hits is not fixed: the
# message names one of them (the renames come one by one, in order).
# (--target all writes httpcfg only when named: never for shop.bind's iis10.)
names=$("$bindc" compile --list-targets | awk '$1 !~ /^httpcfg/ { print $2 }')
total=$(cat "$tmp/new"/* | wc -c)
mkdir "$tmp/a"
for n in $names; do printf 'old %s\n' "$n" > "$tmp/a/$n"; done
cp -r "$tmp/a" "$tmp/a.prev"
for c in "write 0 ENOSPC" "write $((total / 2)) ENOSPC" "write $((total - 1)) ENOSPC" "fsync 3 ENOSPC" \
         "close 5 ENOSPC" "create 4 EACCES" "rename 0 EPERM $(echo "$names" | head -n 1)"; do
    set -- $c
    failing "$1" "$2" "$3" "$tmp/a" "$bindc" compile "$shop" --target all -o "$tmp/a" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "$1" = rename ]; then refused "--target all, $1 $2 $3" $rc "$3" "$tmp/a/$4"
    else refused "--target all, $1 $2 $3" $rc "$3" $(for n in $names; do echo "$tmp/a/$n"; done); fi
    diff -r "$tmp/a" "$tmp/a.prev" > /dev/null && ok || bad "--target all, $1 $2 $3: a previous file changed"
    only "$tmp/a" $names && ok || bad "--target all, $1 $2 $3: left $(ls -A "$tmp/a" | tr '\n' ' ')"
done
# A rename refused part-way: the files renamed before it are new, the rest
# old — each whole — and no temporary is left.
failing rename 3 EPERM "$tmp/a" "$bindc" compile "$shop" --target all -o "$tmp/a" > /dev/null 2> "$tmp/err"
refused "--target all, 4th rename" $? EPERM "$tmp/a/$(echo "$names" | sed -n 4p)"
i=0
for n in $names; do
    i=$((i + 1))
    if [ $i -le 3 ]; then want=$tmp/new/$n; else want=$tmp/a.prev/$n; fi
    cmp -s "$tmp/a/$n" "$want" && ok || bad "--target all, 4th rename: $n is not the $([ $i -le 3 ] && echo new || echo old) file"
done
only "$tmp/a" $names && ok || bad "--target all, 4th rename: left $(ls -A "$tmp/a" | tr '\n' ' ')"

# --merge in place stages the new file, keeps the old one as the next .bak
# of its chain (a hard link: PATH.bak exists here, so PATH.bak.1), checks
# the file is still the one read, and renames.  A failure at any step
# leaves the file, the chain as it was (no new .bak), and nothing else.
hwc=$src/tests/fixtures/iis/shirhatti-HwcConsole.config
mkdir "$tmp/m"
cp "$hwc" "$tmp/m.prev"
hsize=$(wc -c < "$hwc")
fresh_merge_dir() {
    rm -f "$tmp/m"/*
    cp "$hwc" "$tmp/m/hwc.config"
    chmod 640 "$tmp/m/hwc.config"
    printf 'previous .bak\n' > "$tmp/m/hwc.config.bak"
    cp "$tmp/m/hwc.config.bak" "$tmp/bak.prev"
}
for c in "write 0 ENOSPC" "write $((hsize / 2)) ENOSPC" "fsync 0 ENOSPC" "close 0 ENOSPC" "create 0 EACCES" \
         "link 0 EACCES bak" "rename 0 EPERM" "rename 0 EACCES"; do
    set -- $c
    fresh_merge_dir
    failing "$1" "$2" "$3" "$tmp/m" "$bindc" compile "$shop" --target iis --merge "$tmp/m/hwc.config" > /dev/null 2> "$tmp/err"
    rc=$?
    if [ "${4:-}" = bak ]; then refused "merge, $1 $2 $3" $rc "$3" "$tmp/m/hwc.config.bak.1"
    else refused "merge, $1 $2 $3" $rc "$3" "$tmp/m/hwc.config"; fi
    same "merge, $1 $2 $3: the .bak" "$tmp/m/hwc.config.bak" "$tmp/bak.prev"
    same "merge, $1 $2 $3" "$tmp/m/hwc.config" "$tmp/m.prev"
    only "$tmp/m" hwc.config hwc.config.bak && ok || bad "merge, $1 $2 $3: left $(ls -A "$tmp/m" | tr '\n' ' ')"
done
# No hard links on this file system (EPERM, EXDEV from link): the .bak is a
# copy, with the file's mode; a write error while copying leaves nothing.
for err in EPERM EXDEV; do
    fresh_merge_dir
    failing link 0 $err "$tmp/m" "$bindc" compile "$shop" --target iis --merge "$tmp/m/hwc.config" > /dev/null 2> "$tmp/err"
    rc=$?
    [ $rc = 0 ] && ok || bad "merge, link $err: exit $rc: $(cat "$tmp/err")"
    same "merge, link $err: the copy" "$tmp/m/hwc.config.bak.1" "$tmp/m.prev"
    [ "$(stat -c %a "$tmp/m/hwc.config.bak.1")" = 640 ] && ok || bad "merge, link $err: the copy's mode is $(stat -c %a "$tmp/m/hwc.config.bak.1")"
    [ "$(stat -c %i "$tmp/m/hwc.config.bak.1")" != "$(stat -c %i "$tmp/m/hwc.config")" ] && ok || bad "merge, link $err: not replaced"
    grep -q 'name="Shop"' "$tmp/m/hwc.config" && ok || bad "merge, link $err: not merged"
    only "$tmp/m" hwc.config hwc.config.bak hwc.config.bak.1 && ok || bad "merge, link $err: left $(ls -A "$tmp/m" | tr '\n' ' ')"
done
# --merge with -o: the output fails, the merged file is only read.
fresh_merge_dir
rm "$tmp/m/hwc.config.bak"
failing write 0 ENOSPC "$tmp/m" "$bindc" compile "$shop" --target iis --merge "$tmp/m/hwc.config" -o "$tmp/m/out.config" > /dev/null 2> "$tmp/err"
refused "merge -o" $? ENOSPC "$tmp/m/out.config"
same "merge -o" "$tmp/m/hwc.config" "$tmp/m.prev"
only "$tmp/m" hwc.config && ok || bad "merge -o: left $(ls -A "$tmp/m" | tr '\n' ' ')"

# A writer that takes no lock changes the file between bindc's reading and
# its rename: bindc notices (identity, size, bytes), writes nothing and
# says so; the same bytes written again (a new mtime) are no change.
for how in append replace; do
    fresh_merge_dir
    IOFAIL_CHANGE=$tmp/m/hwc.config IOFAIL_CHANGE_HOW=$how IOFAIL_DIR=$tmp/m LD_PRELOAD=$preload \
        "$bindc" compile "$shop" --target iis --merge "$tmp/m/hwc.config" > /dev/null 2> "$tmp/err"
    rc=$?
    [ $rc = 2 ] && ok || bad "merge, changed under it ($how): exit $rc, expected 2"
    grep -q -F "bindc: cannot write $tmp/m/hwc.config: it changed while bindc worked on it" "$tmp/err" && ok \
        || bad "merge, changed under it ($how): no message: $(head -c 300 "$tmp/err")"
    grep -q "another program's" "$tmp/m/hwc.config" && ok || bad "merge, changed under it ($how): the other program's write is lost"
    same "merge, changed under it ($how): the .bak" "$tmp/m/hwc.config.bak" "$tmp/bak.prev"
    only "$tmp/m" hwc.config hwc.config.bak && ok || bad "merge, changed under it ($how): left $(ls -A "$tmp/m" | tr '\n' ' ')"
done
fresh_merge_dir
IOFAIL_CHANGE=$tmp/m/hwc.config IOFAIL_CHANGE_HOW=same IOFAIL_DIR=$tmp/m LD_PRELOAD=$preload \
    "$bindc" compile "$shop" --target iis --merge "$tmp/m/hwc.config" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc = 0 ] && ok || bad "merge, the same bytes written under it: exit $rc: $(cat "$tmp/err")"
same "merge, the same bytes written under it: the .bak.1" "$tmp/m/hwc.config.bak.1" "$tmp/m.prev"
# fmt --write likewise.
printf 'site a {\n  http *:80:a.example\n}\n' > "$tmp/m/a.bind"
cp "$tmp/m/a.bind" "$tmp/a.prev"
IOFAIL_CHANGE=$tmp/m/a.bind IOFAIL_CHANGE_HOW=append IOFAIL_DIR=$tmp/m LD_PRELOAD=$preload \
    "$bindc" fmt --write "$tmp/m/a.bind" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q -F "bindc: cannot write $tmp/m/a.bind: it changed while bindc worked on it" "$tmp/err" && ok \
    || bad "fmt --write, changed under it: exit $rc: $(head -c 300 "$tmp/err")"
grep -q "another program's" "$tmp/m/a.bind" && ok || bad "fmt --write, changed under it: the other program's write is lost"
[ -z "$(ls -A "$tmp/m" | grep tmp)" ] && ok || bad "fmt --write, changed under it: left $(ls -A "$tmp/m" | tr '\n' ' ')"

# ---- A real full disk ----
# A 64 KiB tmpfs in a private mount namespace (as root, or in a user
# namespace), holding the previous files and filled up with zeros.
cat > "$tmp/fulldisk.sh" << 'EOF'
# fulldisk.sh DIR BINDC SHOP HWC NEW: prints "ok" or "FAIL why" per check,
# then "done".
d=$1 bindc=$2 shop=$3 hwc=$4 new=$5
err=$d.err
mount -t tmpfs -o size=64k tmpfs "$d" || { echo "FAIL real full disk: cannot mount"; exit; }
check() { if [ "$2" = 0 ]; then echo ok; else echo "FAIL real full disk: $1"; fi; }
files() { (cd "$d" && find . -type f | sort | tr '\n' ' '); }
printf 'previous\n' > "$d/applicationhost.config"
mkdir "$d/all"
for n in $(ls "$new"); do printf 'old %s\n' "$n" > "$d/all/$n"; done
cp "$hwc" "$d/hwc.config"
before=$(cd "$d" && cat applicationhost.config all/* hwc.config | cksum)
dd if=/dev/zero of="$d/fill" bs=1k 2> /dev/null
listing=$(files)
# Each command says so (--target all makes two outputs at a time: both may).
full() { grep -c ': No space left on device$' "$err"; }
"$bindc" compile "$shop" --target iis -o "$d/applicationhost.config" > /dev/null 2> "$err"
rc=$?; check "one target exits $rc" $((rc != 2))
check "one target: messages: $(cat "$err")" $(($(full) != 1))
"$bindc" compile "$shop" --target all -o "$d/all" > /dev/null 2> "$err"
rc=$?; check "--target all exits $rc" $((rc != 2))
n=$(full); check "--target all: messages: $(cat "$err")" $((n < 1 || n > 2))
"$bindc" compile "$shop" --target iis --merge "$d/hwc.config" > /dev/null 2> "$err"
rc=$?; check "merge exits $rc" $((rc != 2))
check "merge: messages: $(cat "$err")" $(($(full) != 1))
# Room for a few files but not the whole set.
truncate -s -8k "$d/fill"
"$bindc" compile "$shop" --target all -o "$d/all" > /dev/null 2> /dev/null
rc=$?; check "--target all with 8 KiB free exits $rc" $((rc != 2))
after=$(cd "$d" && cat applicationhost.config all/* hwc.config | cksum)
check "a previous file changed" $([ "$after" = "$before" ]; echo $?)
check "left: $(files)" $([ "$(files)" = "$listing" ]; echo $?)
# The control: one file that fits is written.
"$bindc" compile "$shop" --target iis -o "$d/applicationhost.config" > /dev/null 2>&1
rc=$?; check "with room, exits $rc" $((rc != 0))
check "with room, not the new file" $(cmp -s "$d/applicationhost.config" "$new/applicationhost.config"; echo $?)
echo done
EOF
mkdir "$tmp/disk"
ns=""
for u in "unshare -m" "unshare -rm"; do
    $u --propagation private sh -c 'mount -t tmpfs -o size=64k tmpfs "$0"' "$tmp/disk" 2> /dev/null && { ns=$u; break; }
done
if [ -n "$ns" ]; then
    finished=0
    while read -r line; do
        case $line in ok) ok ;; done) finished=1 ;; *) bad "${line#FAIL }" ;; esac
    done < <($ns --propagation private bash "$tmp/fulldisk.sh" "$tmp/disk" "$bindc" "$shop" "$hwc" "$tmp/new" 2>&1)
    [ $finished = 1 ] && ok || bad "real full disk: the simulation stopped part-way"
else
    echo "SKIP real full disk: no private mount namespace here (unshare -m / -rm); the shim covered ENOSPC"
fi

# ---- Real permissions ----
# A folder bindc may not write to.  Root ignores folder permissions, so as
# root bindc runs as uid 65534 (setpriv, or runuser as nobody), from a copy
# of it and of its input that this uid can read.
as_user=()
mkdir "$tmp/bin"
cp "$bindc" "$shop" "$tmp/bin/"
chmod 755 "$tmp/bin" "$tmp/bin/bindc"
chmod 644 "$tmp/bin/shop.bind"
if [ "$(id -u)" != 0 ]; then as_user=(env)
else
    chmod 711 "$tmp"
    for u in "setpriv --reuid=65534 --regid=65534 --clear-groups" "runuser -u nobody --"; do
        $u "$tmp/bin/bindc" check "$tmp/bin/shop.bind" > /dev/null 2>&1 && { read -r -a as_user <<< "$u"; break; }
    done
fi
if [ ${#as_user[@]} -gt 0 ]; then
    mkdir "$tmp/ro" "$tmp/ro/all"
    printf 'previous\n' > "$tmp/ro/applicationhost.config"
    for n in $names; do printf 'old %s\n' "$n" > "$tmp/ro/all/$n"; done
    cp "$hwc" "$tmp/ro/hwc.config"
    cp -r "$tmp/ro" "$tmp/ro.prev"
    chmod -R a+rX "$tmp/ro"
    chmod 555 "$tmp/ro" "$tmp/ro/all"
    run_as() { "${as_user[@]}" "$tmp/bin/bindc" compile "$tmp/bin/shop.bind" "$@" > /dev/null 2> "$tmp/err"; }
    run_as --target iis -o "$tmp/ro/applicationhost.config"
    refused "unwritable folder, one target" $? EACCES "$tmp/ro/applicationhost.config"
    run_as --target all -o "$tmp/ro/all"
    refused "unwritable folder, --target all" $? EACCES $(for n in $names; do echo "$tmp/ro/all/$n"; done)
    run_as --target iis --merge "$tmp/ro/hwc.config"
    refused "unwritable folder, merge" $? EACCES "$tmp/ro/hwc.config"
    diff -r "$tmp/ro" "$tmp/ro.prev" > /dev/null && ok || bad "unwritable folder: something changed or was left: $(ls -A "$tmp/ro" "$tmp/ro/all" | tr '\n' ' ')"
    chmod 755 "$tmp/ro" "$tmp/ro/all"
else
    echo "SKIP unwritable folder: root, and no unprivileged uid can run bindc here (setpriv, runuser); the shim covered EACCES"
fi
# An immutable file (chattr +i, root on ext4/xfs/btrfs/tmpfs): the rename
# over it is refused after the temporary was written.
mkdir "$tmp/imm"
printf 'previous\n' > "$tmp/imm/model.json"
cp "$tmp/imm/model.json" "$tmp/imm.prev"
if chattr +i "$tmp/imm/model.json" 2> /dev/null; then
    "$bindc" compile "$shop" --target json -o "$tmp/imm/model.json" > /dev/null 2> "$tmp/err"
    refused "immutable file" $? EPERM "$tmp/imm/model.json"
    same "immutable file" "$tmp/imm/model.json" "$tmp/imm.prev"
    only "$tmp/imm" model.json && ok || bad "immutable file: left $(ls -A "$tmp/imm" | tr '\n' ' ')"
    chattr -i "$tmp/imm/model.json"
else
    echo "SKIP immutable file: chattr +i is not allowed here; the shim covered EPERM on rename"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
