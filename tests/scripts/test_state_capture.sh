#!/usr/bin/env bash
# The capture line, run as bindc gives it: the one line of E0501's note
# (README's), and the lines of `bindc explain E0501`, carets and all, each
# with %c doubled as a .cmd file needs, under Wine's cmd.exe with a
# stand-in netsh that prints tests/golden/check/state/devbox-en.txt's
# captures, one per command.  The file each writes must be that capture
# byte for byte (the golden cases read what the line makes), and --state
# must read all five parts of it: no E0501, no W0502, and the netsh target
# leaves out the records the machine has.
#
# Wine must run here (.ci/install-deps installs wine64 and
# gcc-mingw-w64-x86-64); its prefix is made once under the build folder.
# Usage: test_state_capture.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BINDC_BUILD_DIR:-$(dirname "$bindc")}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
give_up() { echo "FAIL: $1"; echo "0 passed, 1 failed"; exit 1; }

wine=$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || command -v wine || true)
mingw=$(command -v x86_64-w64-mingw32-gcc || true)
[ -n "$wine" ] && [ -n "$mingw" ] ||
    give_up "this test needs wine64 and x86_64-w64-mingw32-gcc (.ci/install-deps installs them): wine=${wine:-none} mingw=${mingw:-none}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEPREFIX=$build/wine-prefix-state
unset DISPLAY WAYLAND_DISPLAY
tmp=$(mktemp -d "$build/state-capture.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
capture=$src/tests/golden/check/state/devbox-en.txt

# A netsh that prints, for `netsh A B C`, the file A-B-C.txt beside it.
mkdir -p "$tmp/bin"
cat > "$tmp/netsh.c" <<'EOF'
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>
int main(int argc, char **argv)
{
    char path[MAX_PATH + 600];
    GetModuleFileNameA(NULL, path, MAX_PATH);
    char *slash = strrchr(path, '\\');
    if (slash) slash[1] = '\0';
    for (int i = 1; i < argc; i++) {
        if (i > 1) strcat(path, "-");
        strncat(path, argv[i], 64);
    }
    strcat(path, ".txt");
    _setmode(_fileno(stdout), _O_BINARY);
    FILE *f = fopen(path, "rb");
    if (!f) { printf("The following command was not found: %s\r\n", path); return 1; }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
    return 0;
}
EOF
"$mingw" -O1 -s -o "$tmp/bin/netsh.exe" "$tmp/netsh.c" || give_up "cannot build the netsh stand-in"
# The capture's parts, by the command line before each.
perl -e '
    my ($file, $dir) = @ARGV;
    open my $f, "<:raw", $file or die; local $/; my $t = <$f>;
    my @parts = split /^(netsh [^\r\n]*)\r\n/m, $t;
    shift @parts;
    while (@parts) {
        my ($cmd, $out) = splice @parts, 0, 2;
        (my $name = $cmd) =~ s/^netsh //; $name =~ s/ /-/g;
        open my $o, ">:raw", "$dir/$name.txt" or die; print $o $out;
    }' "$capture" "$tmp/bin"
[ "$(ls "$tmp/bin"/*.txt | wc -l)" = 5 ] && ok || bad "devbox-en.txt does not hold five captures"

# run_capture NAME TEXT: TEXT (the line, %c as an interactive prompt takes
# it) as a .cmd file, run in a folder of its own; state.txt must be the
# capture byte for byte.
run_capture() {
    local dir=$tmp/$1
    mkdir -p "$dir"
    {
        printf '@echo off\r\n'
        printf 'set "PATH=%s;%%PATH%%"\r\n' "$(winpath "$tmp/bin")"
        printf '%s\n' "$2" | sed -e 's/%c/%%c/g; s/%~c/%%~c/g' -e 's/$/\r/'
    } > "$dir/capture.cmd"
    (cd "$dir" && timeout 300 "$wine" cmd /c capture.cmd > "$dir/wine.out" 2>&1) || { cat "$dir/wine.out"; bad "$1: capture.cmd failed under Wine"; }
    if cmp -s "$dir/state.txt" "$capture"; then ok
    else bad "$1: the capture line does not write what devbox-en.txt holds"; diff <(cat -A "$capture") <(cat -A "$dir/state.txt") | head -20; fi
}
# The line E0501's note gives (README gives the same), on one line.
"$bindc" check /dev/null --state "$src/tests/golden/check/state/not-a-capture.txt" 2> "$tmp/e0501.txt"
line=$(sed -n 's/^ *= note: this line of cmd.exe, as administrator, captures them all: //p' "$tmp/e0501.txt")
[ -n "$line" ] || give_up "E0501 gives no capture line"
run_capture note "$line"
# The lines `bindc explain E0501` shows, joined by carets.
"$bindc" explain E0501 > "$tmp/explain.txt" || bad "bindc explain E0501"
lines=$(awk '/^    type nul>state.txt/ { on = 1 } on && /^$/ { exit } on { sub(/^    /, ""); print }' "$tmp/explain.txt")
[ -n "$lines" ] || give_up "bindc explain E0501 shows no capture line"
run_capture explain "$lines"
joined=$(printf '%s\n' "$lines" | sed -e 's/ ^$//' | tr '\n' ' ' | sed -e 's/  */ /g; s/ $//')
[ "$joined" = "$line" ] && ok || { bad "explain E0501 and E0501's note show different lines"; echo "  $joined"; echo "  $line"; }
cp "$tmp/note/state.txt" "$tmp/state.txt" 2> /dev/null

# What it wrote reads whole, and the script leaves out what is there.
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
    http  [::]:50100:localhost
}
EOF
"$bindc" check "$tmp/dev.bind" --state "$tmp/state.txt" 2> "$tmp/check.txt"
grep -q 'E0501\|W0502' "$tmp/check.txt" && bad "the capture does not read whole: $(cat "$tmp/check.txt")" || ok
grep -q 'W0506.*50100' "$tmp/check.txt" && ok || bad "the IPv6 ranges were not read"
"$bindc" compile "$tmp/dev.bind" --state "$tmp/state.txt" --target netsh -o "$tmp/netsh.cmd" 2> "$tmp/compile.txt"
[ "$(grep -c 'left out, this machine has it already' "$tmp/compile.txt")" = 3 ] && ok || bad "netsh --state: $(cat "$tmp/compile.txt")"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
