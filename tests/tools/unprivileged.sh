#!/usr/bin/env bash
# unprivileged.sh SCRIPT BINDC: runs a test script as an ordinary user.
# Root passes every permission check of the kernel, so what bindc must do
# for a user (keep a .bak's mode and owner, leave no temporary file behind,
# lock a file it may read but not write) is tested again as uid 65534
# (nobody), from a copy of the binary and of the sources the script reads,
# in a folder that user owns.  Not root: the script runs as it is (it is
# unprivileged already).  A root without setpriv or runuser fails: the
# suite would claim what it did not check.
set -u
script=$1 bindc=$2
src=${BINDC_SOURCE_DIR:?}
if [ "$(id -u)" != 0 ]; then exec "$script" "$bindc"; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/bin" "$tmp/work"
cp -r "$src/tests" "$src/examples" "$tmp/src/"
cp "$bindc" "$tmp/bin/bindc"
chown -R 65534:65534 "$tmp/src" "$tmp/bin" "$tmp/work"
chmod 755 "$tmp"
as=
for u in "setpriv --reuid=65534 --regid=65534 --clear-groups" "runuser -u nobody --"; do
    $u "$tmp/bin/bindc" --version > /dev/null 2>&1 && { as=$u; break; }
done
if [ -z "$as" ]; then
    echo "FAIL cannot run as nobody: no setpriv or runuser (util-linux)"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "# as $($as id -un 2>/dev/null || echo uid 65534), from copies in $tmp"
# The script's own temporary folders go under $tmp too (TMPDIR).
cd "$tmp/work"
$as env HOME="$tmp/work" TMPDIR="$tmp/work" BINDC_SOURCE_DIR="$tmp/src" "$tmp/src/tests/scripts/$(basename "$script")" "$tmp/bin/bindc"
