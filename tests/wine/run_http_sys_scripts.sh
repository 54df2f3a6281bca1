#!/usr/bin/env bash
# The HTTP.sys scripts, run: netsh.cmd, netsh.cmd again and netsh-revert.cmd
# (and the httpcfg pair) under a real cmd.exe, Wine's, with stand-ins for
# netsh, httpcfg, fltmc, net, powershell and wmic (tests/wine/standin.c) that
# keep an HTTP.sys state in a file and answer as the real programs do.
# reg.exe and find.exe are Wine's own.  Over every golden case's scripts
# (one run per distinct script) and the IIS Express scenarios below, each
# with foreign records seeded first:
#   - the state after the script is its records added to what was there;
#   - a second run changes nothing; the revert gives back the state before;
#   - a foreign record where the script wants its own stops the script
#     before any change; with /replace the script replaces it, and the
#     revert puts it back;
#   - netsh's output in German is read as well as in English.
# Wine must run here: without it the test fails (.ci/install-deps installs
# wine64 and gcc-mingw-w64-x86-64).  The Wine prefix is made once under the
# build folder and reused.
#
# Where Wine 8's cmd.exe and tools differ from Windows (the scripts use
# neither form; seen on Debian 12's Wine 8.0):
#   - after a program that succeeded, `A || B` still runs B; `if errorlevel`
#     and `&&` behave as on Windows;
#   - findstr and fc are stubs (no output, exit 0); find has no switches;
#   - delayed expansion has no substrings (`!V:~i,n!`);
#   - `type` copies a UTF-16 file as bytes instead of turning it into text,
#     so the wmic stand-in writes text where Windows' wmic writes UTF-16
#     to a file (which `type` turns into text there).
# Usage: test_http_sys_scripts.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BINDC_BUILD_DIR:-$(dirname "$bindc")}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

wine=$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || command -v wine || true)
mingw=$(command -v x86_64-w64-mingw32-gcc || true)
if [ -z "$wine" ] || [ -z "$mingw" ]; then
    echo "FAIL: this test needs wine64 and x86_64-w64-mingw32-gcc (.ci/install-deps installs them): wine=${wine:-none} mingw=${mingw:-none}"
    echo "0 passed, 1 failed"
    exit 1
fi
export WINEPREFIX=$build/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

tmp=$(mktemp -d "$build/http-sys-test.XXXXXX")
[ -n "${BINDC_KEEP:-}" ] && echo "# keeping $tmp" || trap 'rm -rf "$tmp"' EXIT
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

# The stand-ins, built when their source is newer.
bin=$build/wine-standins
mkdir -p "$bin"
for p in netsh httpcfg fltmc net powershell wmic; do
    if [ ! -x "$bin/$p.exe" ] || [ "$src/tests/wine/standin.c" -nt "$bin/$p.exe" ]; then
        "$mingw" -O1 -s -std=gnu11 -Wall -DSTANDIN_$(echo $p | tr a-z A-Z) -o "$bin/$p.exe" "$src/tests/wine/standin.c" ||
            { echo "FAIL: cannot build the $p stand-in"; echo "0 passed, 1 failed"; exit 1; }
    fi
done
if ! out=$(timeout 120 "$wine" cmd /c echo bindc-wine-ok 2>&1) || ! grep -q bindc-wine-ok <<<"$out"; then
    echo "FAIL: Wine cannot run cmd.exe here ($wine, WINEPREFIX=$WINEPREFIX):"
    echo "$out" | head -20
    echo "0 passed, 1 failed"
    exit 1
fi

DEV_THUMB=00112233445566778899AABBCCDDEEFF00112233
DEV_APPID='{214124cd-d05b-4309-9af9-9caa44b2b74a}'
# What every case's machine has besides the records the scripts make:
# accounts and certificates, and foreign records no script may touch.
base_state() {
    cat <<EOF
account|DEVBOX\\alice|S-1-5-21-1-2-3-1001
account|CONTOSO\\webdeploy|S-1-5-21-1-2-3-1002
account|NT AUTHORITY\\NETWORK SERVICE|S-1-5-20
cert|My|$DEV_THUMB|1|IIS Express Development Certificate
iplisten|192.0.2.77
urlacl|http://+:9999/foreign/|D:(A;;GX;;;BA)
ssl|ipport|0.0.0.0:9443|AABBCCDDEEFF00112233445566778899AABBCCDD|{11111111-2222-3333-4444-555555555555}|My|0|0|0|0|0
fw|Foreign web|in|allow|TCP|9999|
port|9999|TCP|Foreign web
EOF
}
# The registry holds the development certificate for httpcfg.cmd's look-up:
# property 11 (friendly name), UTF-16LE with its NUL, after 0B000000 01000000 LEN.
name_hex=$(printf 'IIS Express Development Certificate' | iconv -t UTF-16LE | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)
len=$(( (${#name_hex} / 4 + 1) * 2 ))
blob=$(printf '0B00000001000000%02X000000%s0000' $len "$name_hex")
"$wine" reg add 'HKLM\SOFTWARE\Microsoft\SystemCertificates\My\Certificates\'$DEV_THUMB /v Blob /t REG_BINARY /d "$blob" /f >/dev/null 2>&1

# The records a script's add lines make, in the stand-ins' state format:
# what the state after the script must hold besides what was there.
model() {  # SCRIPT
    perl -e '
        my %sid = ("DEVBOX\\alice" => "S-1-5-21-1-2-3-1001", "CONTOSO\\webdeploy" => "S-1-5-21-1-2-3-1002");
        my %env = (BINDC_THUMBPRINT_1 => $ARGV[1], BINDC_SID_1 => "S-1-5-21-1-2-3-1001", BINDC_SID_2 => "S-1-5-21-1-2-3-1002");
        open my $f, "<", $ARGV[0] or die; local $/ = "\r\n";
        while (my $l = <$f>) {
            chomp $l;
            $l =~ s/%(\w+)%/$env{$1}/g;
            my @a = map { s/"//gr } ($l =~ /((?:[^\s"]+|"[^"]*")+)/g);
            my %o = map { /^(\w+)=(.*)$/ ? (lc $1, $2) : () } @a;
            if ($l =~ /^netsh http add urlacl /) {
                my $s = $o{sddl} // "D:(A;;GX;;;$sid{$o{user}})"; print "urlacl|$o{url}|$s\n";
            } elsif ($l =~ /^netsh http add sslcert /) {
                my ($k) = grep { exists $o{$_} } qw(ipport hostnameport ccs);
                my $bits = 0; my $i = 0;
                for (qw(disablehttp2 disablequic disabletls13 disablelegacytls disableocspstapling)) { $bits |= 1 << $i if exists $o{$_}; $i++ }
                print $k eq "ccs" ? "ssl|ccs|$o{ccs}|-|$o{appid}|-|0|0|0|0|$bits\n"
                                  : "ssl|$k|$o{$k}|$o{certhash}|$o{appid}|$o{certstorename}|0|0|0|0|$bits\n";
            } elsif ($l =~ /^netsh http add iplisten /) { print "iplisten|$o{ipaddress}\n" }
            elsif ($l =~ /^netsh advfirewall firewall add rule /) {
                my $ip = $o{localip} ? "$o{localip}/" . ($o{localip} =~ /:/ ? 128 : 32) : "";
                print "fw|$o{name}|$o{dir}|$o{action}|$o{protocol}|$o{localport}|$ip\n";
            } elsif ($l =~ /^netsh firewall add portopening /) { print "port|$o{port}|$o{protocol}|$o{name}\n" }
            elsif ($l =~ /^httpcfg set (\w+) /) {
                my %h; for (my $i = 0; $i < @a; $i++) { $h{$a[$i]} = $a[$i + 1] if $a[$i] =~ m{^/} }
                print $1 eq "urlacl" ? "urlacl|$h{q(/u)}|$h{q(/a)}\n" : $1 eq "iplisten" ? "iplisten|$h{q(/i)}\n"
                    : "ssl|ipport|$h{q(/i)}|$h{q(/h)}|$h{q(/g)}|" . ($h{q(/c)} // "(null)") . "|0|0|0|0|0\n";
            }
        }' "$1" "$DEV_THUMB"
}
records() { tr -d '\r' < "$1" | grep -v -E '^(account|cert)\|' | sort -u; }

# Each case is a folder with its scripts and before.txt; a driver runs a
# list of steps in one cmd.exe: `STEP CASE SCRIPT [ARGS]` copies the state
# after the script to CASE/STEP.state and its exit code to CASE/STEP.rc.
ncase=0
new_case() {  # NAME DIR-WITH-SCRIPTS TOOL [EXTRA-STATE]: sets case_dir
    local d=$tmp/c$ncase
    ncase=$((ncase + 1))
    mkdir "$d"
    cp "$2/$3.cmd" "$2/$3-revert.cmd" "$d/"
    { base_state; [ -n "${4:-}" ] && printf '%s\n' "$4"; } > "$d/before.txt"
    echo "$1" > "$d/name"
    echo "$3" > "$d/tool"
    case_dir=$d
}
steps=()
step() { steps+=("$*"); }        # CASEDIR STEPNAME SCRIPT [ARGS]

write_driver() {  # FILE STEP...
    local f=$1
    shift
    {
        printf '@echo off\r\nset "PATH=%s;%%PATH%%"\r\n' "$(winpath "$bin")"
        local prev=
        for s in "$@"; do
            set -- $s
            local d=$1 name=$2 script=$3 args=${4:-} w
            w=$(winpath "$d")
            if [ "$d" != "$prev" ]; then printf 'copy /y "%s\\before.txt" "%s\\state.txt" >nul\r\n' "$w" "$w"; prev=$d; fi
            printf 'set "BINDC_FAKE_STATE=%s\\state.txt"\r\n' "$w"
            [ "$name" = german ] && printf 'set "BINDC_FAKE_LANG=de"\r\n' || printf 'set "BINDC_FAKE_LANG="\r\n'
            printf 'call "%s\\%s" %s >"%s\\%s.out" 2>&1\r\n' "$w" "$script" "$args" "$w" "$name"
            printf '>"%s\\%s.rc" echo %%errorlevel%%\r\n' "$w" "$name"
            printf 'copy /y "%s\\state.txt" "%s\\%s.state" >nul\r\n' "$w" "$w" "$name"
        done
    } > "$f"
}

# ---- the cases -----------------------------------------------------------------

# Every golden case's netsh scripts, one case per distinct script (httpcfg
# in the scenarios below: a Wine process start costs 0.1 s, and the golden
# httpcfg scripts are the netsh ones' records through the same code).
declare -A seen
for t in netsh; do
    for f in "$src"/tests/golden/compile/*/$t.cmd; do
        grep -q '^echo \[1/' "$f" || continue
        h=$(md5sum < "$f" | cut -c1-32)
        [ -n "${seen[$h]:-}" ] && continue
        seen[$h]=1
        new_case "golden $(basename "$(dirname "$f")") $t" "$(dirname "$f")" $t
        d=$case_dir
        step "$d apply1 $t.cmd"
        step "$d apply2 $t.cmd"
        step "$d revert $t-revert.cmd"
    done
done

# IIS Express scenarios, compiled here.
scen=$tmp/scenarios
mkdir -p "$scen"
scenario() {  # NAME BIND-TEXT
    mkdir -p "$scen/$1"
    printf '%s' "$2" > "$scen/$1/in.bind"
    for t in netsh netsh-revert httpcfg httpcfg-revert; do
        "$bindc" compile "$scen/$1/in.bind" --target $t -o "$scen/$1/$t.cmd" 2>/dev/null || { bad "scenario $1: bindc refused $t"; return 1; }
    done
}
scenario express "platform iis-express
iplisten 127.0.0.1
cert mine { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }
site A {
    http  *:80:localhost
    http  *:8080:devbox.lan acl='DEVBOX\\alice'
    https *:443:localhost
    https *:44300:localhost cert=mine
    http  *:8081: acl=S-1-5-20
}
"
# The development certificate's record, as IIS Express's installer made it.
platform_rec="ssl|ipport|0.0.0.0:44300|$DEV_THUMB|$DEV_APPID|MY|0|0|0|0|0"
for t in netsh httpcfg; do
    new_case "express $t" "$scen/express" $t "$platform_rec"
    d=$case_dir
    step "$d apply1 $t.cmd"
    step "$d apply2 $t.cmd"
    step "$d revert $t-revert.cmd"
    # A foreign URL reservation and SSL binding where the script wants its own.
    new_case "express $t, foreign records" "$scen/express" $t "$platform_rec
urlacl|http://localhost:80/|D:(A;;GX;;;BA)
ssl|ipport|0.0.0.0:443|AABBCCDDEEFF00112233445566778899AABBCCDD|{4dc3e181-e14b-4a21-b022-59fc669b0914}|My|0|0|0|0|0"
    d=$case_dir
    step "$d stopped $t.cmd"
    step "$d replace $t.cmd /replace"
    step "$d again $t.cmd"
    step "$d revert $t-revert.cmd"
done
new_case "express netsh, German" "$scen/express" netsh "$platform_rec
urlacl|http://localhost:80/|D:(A;;GX;;;BA)"
d=$case_dir
step "$d german netsh.cmd"
# The same record there already, not the script's: left alone, kept by the revert.
new_case "express netsh, the same records there" "$scen/express" netsh "$platform_rec
urlacl|http://localhost:80/|D:(A;;GX;;;WD)
iplisten|127.0.0.1"
d=$case_dir
step "$d apply1 netsh.cmd"
step "$d revert netsh-revert.cmd"
# Not elevated: nothing happens.
new_case "express netsh, not elevated" "$scen/express" netsh
d=$case_dir
step "$d notadmin netsh.cmd"

# ---- run them: two cmd.exe at once, on the two cores -------------------------------

half=$(( (${#steps[@]} + 1) / 2 ))
# Keep a case's steps together.
split=$half
while [ $split -lt ${#steps[@]} ] && [ "${steps[$split]%% *}" = "${steps[$((split - 1))]%% *}" ]; do split=$((split + 1)); done
write_driver "$tmp/drive1.cmd" "${steps[@]:0:$split}"
write_driver "$tmp/drive2.cmd" "${steps[@]:$split}"
# The not-elevated case runs with BINDC_FAKE_NOT_ADMIN: in a driver of its own.
for f in "$tmp/drive1.cmd" "$tmp/drive2.cmd"; do
    perl -0 -i -pe 's/(set "BINDC_FAKE_STATE=[^\r]*\r\n)(set "BINDC_FAKE_LANG=\r\n)(call "[^"]*" *>"[^"]*\\notadmin\.out")/$1$2set "BINDC_FAKE_NOT_ADMIN=1"\r\n$3/' "$f"
done
start=$(date +%s)
"$wine" cmd /c "$(winpath "$tmp/drive1.cmd")" > "$tmp/drive1.log" 2>&1 &
p1=$!
"$wine" cmd /c "$(winpath "$tmp/drive2.cmd")" > "$tmp/drive2.log" 2>&1
wait $p1
echo "# ran ${#steps[@]} script runs over $ncase cases in $(( $(date +%s) - start )) s"

# ---- the checks -------------------------------------------------------------------------

for ((i = 0; i < ncase; i++)); do
    d=$tmp/c$i
    name=$(cat "$d/name")
    tool=$(cat "$d/tool")
    rc() { tr -d '\r ' < "$d/$1.rc" 2>/dev/null; }
    show() { echo "--- $1 output:"; tr -d '\r' < "$d/$1.out" | tail -30; }
    records "$d/before.txt" > "$d/before.sorted"
    if [ -f "$d/apply1.rc" ]; then
        { records "$d/before.txt"; model "$d/$tool.cmd"; } | sort > "$d/want"
        # A record there already as the script sets it is there once.
        sort -u -o "$d/want" "$d/want"
        [ "$(rc apply1)" = 0 ] && ok || { bad "$name: the script exits $(rc apply1)"; show apply1; }
        records "$d/apply1.state" > "$d/got1"
        if diff -u "$d/want" "$d/got1" > "$d/diff"; then ok; else bad "$name: the state after the script is not its records added to what was there"; cat "$d/diff"; show apply1; fi
    fi
    if [ -f "$d/apply2.rc" ]; then
        [ "$(rc apply2)" = 0 ] && diff -q <(records "$d/apply1.state") <(records "$d/apply2.state") >/dev/null && ok ||
            { bad "$name: a second run changed something (exit $(rc apply2))"; diff "$d/apply1.state" "$d/apply2.state"; show apply2; }
    fi
    if [ -f "$d/revert.rc" ]; then
        records "$d/revert.state" > "$d/got3"
        if [ "$(rc revert)" = 0 ] && diff -u "$d/before.sorted" "$d/got3" > "$d/diff"; then ok; else
            bad "$name: the revert did not give back the state before (exit $(rc revert))"; cat "$d/diff"; show revert; fi
        ls "$d/$tool-saved" 2>/dev/null | grep -q . && { bad "$name: the revert left files in $tool-saved"; ls "$d/$tool-saved"; } || ok
    fi
    if [ -f "$d/stopped.rc" ]; then
        if [ "$(rc stopped)" = 1 ] && diff -q "$d/before.sorted" <(records "$d/stopped.state") >/dev/null &&
           grep -q 'is set already, and not as this script sets it' "$d/stopped.out" && grep -q 'D:(A;;GX;;;BA)' "$d/stopped.out" &&
           grep -q 'nothing was changed' "$d/stopped.out"; then ok; else
            bad "$name: a foreign record did not stop the script before any change, naming it and its holder"; show stopped; fi
        if [ "$(rc replace)" = 0 ] && ! grep -q 'D:(A;;GX;;;BA)' <(grep '^urlacl|http://localhost:80/' "$d/replace.state") &&
           ls "$d/$tool-saved" 2>/dev/null | grep -q 'replaced.txt'; then ok; else
            bad "$name: /replace did not replace the foreign records, keeping them beside the script"; show replace; fi
        [ "$(rc again)" = 0 ] && diff -q <(records "$d/replace.state") <(records "$d/again.state") >/dev/null && ok || { bad "$name: a run after /replace changed something"; show again; }
    fi
    if [ -f "$d/german.rc" ]; then
        if [ "$(rc german)" = 1 ] && diff -q "$d/before.sorted" <(records "$d/german.state") >/dev/null && grep -q 'URL-Reservierungen' "$d/german.out"; then ok; else
            bad "$name: netsh in German did not stop at the foreign reservation alone"; show german; fi
    fi
    if [ -f "$d/notadmin.rc" ]; then
        [ "$(rc notadmin)" = 1 ] && diff -q "$d/before.sorted" <(records "$d/notadmin.state") >/dev/null && grep -q 'as an administrator' "$d/notadmin.out" && ok ||
            { bad "$name: not elevated, the script did not stop"; show notadmin; }
    fi
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
