#!/usr/bin/env bash
# The HTTP.sys scripts, run: netsh.cmd, netsh.cmd again and netsh-revert.cmd
# (and the httpcfg pair) under a real cmd.exe, Wine's, with stand-ins for
# netsh, httpcfg, fltmc, net, powershell and wmic (tests/wine/standin.c) that
# keep an HTTP.sys state in a file and answer as the real programs do (183
# exists, 2 not found, 87 bad parameter, 1332 unknown account; English or
# German).  reg.exe and find.exe are Wine's own.  Every machine the scripts
# run on holds foreign records first (a URL reservation, an SSL binding, an
# IP listen address, a firewall rule and an XP port opening no script
# makes), and:
#   - the state after the script is what its add lines say, added to what
#     was there (a record of the platform's installer replaced);
#   - a second run changes nothing; the revert gives back the state before,
#     foreign records included, and leaves no file behind;
#   - a foreign record where the script wants its own (URL reservation, SSL
#     binding, firewall rule, XP port opening) stops the script before any
#     change, naming it and its holder; with /replace the script replaces
#     it, a run after that changes nothing, and the revert puts it back
#     (the firewall rule with everything it had, turned off as it was; the
#     SSL binding with every setting, none of them netsh's default, in
#     English and German);
#   - an SSL binding whose settings cannot all be given back stops the
#     script even with /replace; one replaced while netsh spoke English and
#     put back while it speaks German is put back with its values only, and
#     the revert says so, keeps its text and fails;
#   - records already there as the script sets them (Everyone, a SID shown
#     by its alias, an account name shown as its SID) are left alone, and
#     the revert leaves them;
#   - netsh in German is read as well as in English;
#   - two certificates with the looked-up friendly name, an unknown
#     account, and a prompt that is not elevated stop the script before
#     any change.
# Cases: the IIS Express scenarios below and the golden cases' scripts (one
# case per distinct script).  By default the golden cases are a subset that
# holds every shape of record (each kind, IPv4 and IPv6, hostnameport, ccs,
# TLS switches, other stores, look-ups, firewall with and without an
# address, iplisten, acl for Everyone, a SID and an account): a Wine
# process start costs about 0.05-0.1 s, and the suite's budget is a minute.
# BINDC_HTTP_SYS_ALL=1 (test_http_sys_scripts_long.sh, label `long`) runs
# every distinct netsh and httpcfg golden script.  BINDC_KEEP=1 keeps the
# work folder and says where it is.
#
# Wine must run here: without it the test fails (.ci/install-deps installs
# wine64, wine and gcc-mingw-w64-x86-64).  Its prefixes are made once under
# the build folder and reused.
#
# Where Wine 8's cmd.exe and tools differ from Windows (met here; the
# scripts avoid each, see compiler/backend/http_sys_script.c):
#   - after a program that succeeded, `A || B` still runs B; `if errorlevel`
#     and `&&` behave as on Windows;
#   - `if A if /i B C` is a syntax error (`if /i B if A C` is not);
#   - inside a `for` body, `if A (set X=%%a & set Y=%%b)` loses the `for`
#     variables; a block of one command a line keeps them;
#   - `call` does not double carets, and `%` taken out of a variable one
#     character at a time (`%V:~i,1%`) ends the loop: text is not turned
#     into hex at run time (httpcfg.cmd's registry look-up gets its hex from
#     bindc);
#   - findstr and fc are stubs (no output, exit 0); find has no switches;
#   - delayed expansion has no substrings (`!V:~i,n!`);
#   - `type` copies a UTF-16 file as bytes instead of turning it into text,
#     so the wmic stand-in writes text where Windows' wmic writes UTF-16
#     to a file (which `type` turns into text there);
#   - under load, Wine 8 now and then fails to start a program (cmd.exe says
#     "Can't recognize 'netsh ...' as an internal or external command"): a
#     case where that happened runs again, once, and the run says so;
#   - two cmd.exe of one Wine server that redirect built-in commands to
#     `nul` at the same time get "Sharing violation": the cmd.exe that run
#     at once (BINDC_HTTP_SYS_JOBS, 3) use a prefix (a Wine server) each.
# Usage: test_http_sys_scripts.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${BINDC_BUILD_DIR:-$(dirname "$bindc")}
all=${BINDC_HTTP_SYS_ALL:-}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
give_up() { echo "FAIL: $1"; echo "0 passed, 1 failed"; exit 1; }
t0=$(date +%s)

wine=$(command -v wine64 || { [ -x /usr/lib/wine/wine64 ] && echo /usr/lib/wine/wine64; } || command -v wine || true)
mingw=$(command -v x86_64-w64-mingw32-gcc || true)
[ -n "$wine" ] && [ -n "$mingw" ] ||
    give_up "this test needs wine64 and x86_64-w64-mingw32-gcc (.ci/install-deps installs them): wine=${wine:-none} mingw=${mingw:-none}"
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY

tmp=$(mktemp -d "$build/http-sys-test.XXXXXX")
if [ -n "${BINDC_KEEP:-}" ]; then echo "# keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }

# The stand-ins, built when their source is newer.
bin=$build/wine-standins
mkdir -p "$bin"
for p in netsh httpcfg fltmc net powershell wmic; do
    if [ ! -x "$bin/$p.exe" ] || [ "$src/tests/wine/standin.c" -nt "$bin/$p.exe" ]; then
        # (built aside, then renamed: the long run may build them at the same time)
        "$mingw" -O1 -s -std=gnu11 -Wall -Wno-unused-function -DSTANDIN_$(echo $p | tr a-z A-Z) -o "$bin/$p.$$.exe" \
            "$src/tests/wine/standin.c" && mv -f "$bin/$p.$$.exe" "$bin/$p.exe" || give_up "cannot build the $p stand-in"
    fi
done

DEV_THUMB=00112233445566778899AABBCCDDEEFF00112233
DEV_APPID='{214124cd-d05b-4309-9af9-9caa44b2b74a}'
TWIN1=1111111111111111111111111111111111111111
TWIN2=2222222222222222222222222222222222222222

# Two prefixes, one Wine server each (see the header); made once, with the
# certificates httpcfg.cmd finds in the registry: the friendly name is
# property 11 of the Blob, UTF-16LE with its NUL, after 0B000000 01000000 LEN.
blob() {  # FRIENDLY-NAME THUMBPRINT: its SHA-1 hash (property 3), then its friendly name
    local hex len
    hex=$(printf '%s' "$1" | iconv -t UTF-16LE | od -An -v -tx1 | tr -d ' \n' | tr a-f A-F)
    len=$(( (${#hex} / 4 + 1) * 2 ))
    printf '030000000100000014000000%s0B00000001000000%02X000000%s0000' "$2" $len "$hex"
}
# The long run has prefixes of its own, so that it may run beside this one.
pfx_base=$build/wine-prefix${all:+-all}
prefix_setup() {  # N
    local pfx=$pfx_base$1 f=$tmp/certs$1.cmd out
    export WINEPREFIX=$pfx
    if [ ! -f "$pfx/bindc-certs-1" ]; then
        {
            printf '@echo off\r\n'
            for c in "$DEV_THUMB|IIS Express Development Certificate" "$TWIN1|Twin Certificate" "$TWIN2|Twin Certificate"; do
                printf 'reg add "HKLM\\SOFTWARE\\Microsoft\\SystemCertificates\\My\\Certificates\\%s" /v Blob /t REG_BINARY /d %s /f >nul\r\n' \
                    "${c%%|*}" "$(blob "${c#*|}" "${c%%|*}")"
            done
            printf 'echo bindc-wine-ok\r\n'
        } > "$f"
    else
        printf '@echo off\r\necho bindc-wine-ok\r\n' > "$f"
    fi
    out=$(timeout 300 "$wine" cmd /c "$(winpath "$f")" 2>&1)
    if grep -q bindc-wine-ok <<<"$out"; then touch "$pfx/bindc-certs-1"; echo ok; else echo "$out" | head -20; fi
}
jobs=${BINDC_HTTP_SYS_JOBS:-3}
for ((i = 1; i <= jobs; i++)); do prefix_setup $i > "$tmp/setup$i.log" 2>&1 & done
wait
for ((i = 1; i <= jobs; i++)); do
    grep -qx ok "$tmp/setup$i.log" ||
        give_up "Wine cannot run cmd.exe here ($wine, WINEPREFIX=$pfx_base$i): $(head -c 2000 "$tmp/setup$i.log")"
done
t_setup=$(( $(date +%s) - t0 ))

# What every case's machine has besides the records the scripts make:
# accounts and certificates, and foreign records no script may touch.
base_state() {
    cat <<EOF
account|DEVBOX\\alice|S-1-5-21-1-2-3-1001
account|DEVBOX\\bob|S-1-5-21-1-2-3-1003
account|DEVBOX\\cert|S-1-5-21-1-2-3-1004
account|CONTOSO\\webdeploy|S-1-5-21-1-2-3-1002
account|CONTOSO\\web|S-1-5-21-1-2-3-1005
account|NT AUTHORITY\\NETWORK SERVICE|S-1-5-20
cert|My|$DEV_THUMB|1|IIS Express Development Certificate
cert|My|$TWIN1|1|Twin Certificate
cert|My|$TWIN2|1|Twin Certificate
iplisten|192.0.2.77
urlacl|http://+:59999/foreign/|D:(A;;GX;;;BA)
ssl|ipport|0.0.0.0:59443|AABBCCDDEEFF00112233445566778899AABBCCDD|{11111111-2222-3333-4444-555555555555}|My|0|0|0|0|0
fw|Foreign web|in|allow|TCP|59999||yes
port|59999|TCP|Foreign web|ENABLE
EOF
}

# The records a script's add lines make, in the stand-ins' state format
# (account names and looked-up thumbprints resolved from the state before).
model() {  # SCRIPT BEFORE
    perl -e '
        my ($script, $before) = @ARGV;
        my (%acct, %certs);
        open my $b, "<", $before or die; while (<$b>) { chomp; my @f = split /\|/, $_, -1;
            $acct{lc $f[1]} = $f[2], ($f[1] =~ /\\(.*)$/ and $acct{lc $1} //= $f[2]) if $f[0] eq "account";
            push @{$certs{$f[4]}}, $f[2] if $f[0] eq "cert" && $f[3] eq "1"; }
        open my $f, "<", $script or die; local $/ = "\r\n";
        my %env;
        my %alias = ("S-1-1-0" => "WD", "S-1-5-11" => "AU", "S-1-5-18" => "SY", "S-1-5-19" => "LS", "S-1-5-20" => "NS",
                     "S-1-5-32-544" => "BA", "S-1-5-32-545" => "BU");
        sub sddl { my $s = shift; $s =~ s/;;;([^;)]+)\)$/";;;" . ($alias{$1} \/\/ $1) . ")"/e; $s }
        while (my $l = <$f>) {
            chomp $l;
            if ($l =~ /^set "BINDC_ACL_(\d+)=(.*)"$/) { (my $n = $2) =~ s/%%/%/g; $env{"BINDC_SID_$1"} = $acct{lc $n} // "?"; next }
            if ($l =~ /^set "BINDC_CERT_NAME_(\d+)=(.*)"$/) { (my $n = $2) =~ s/%%/%/g; $env{"BINDC_THUMBPRINT_$1"} = ($certs{$n} // ["?"])->[0]; next }
            $l =~ s/%(\w+)%/$env{$1} \/\/ "%$1%"/ge;
            my @a = map { s/"//gr } ($l =~ /((?:[^\s"]+|"[^"]*")+)/g);
            my %o = map { /^(\w+)=(.*)$/ ? (lc $1, $2) : () } @a;
            if ($l =~ /^netsh http add urlacl /) {
                my $s = $o{sddl} // "D:(A;;GX;;;" . ($acct{lc $o{user}} // "?") . ")"; print "urlacl|$o{url}|" . sddl($s) . "\n";
            } elsif ($l =~ /^netsh http add sslcert /) {
                my ($k) = grep { exists $o{$_} } qw(ipport hostnameport ccs);
                my $bits = 0; my $i = 0;
                for (qw(disablehttp2 disablequic disabletls13 disablelegacytls disableocspstapling)) { $bits |= 1 << $i if exists $o{$_}; $i++ }
                print $k eq "ccs" ? "ssl|ccs|$o{ccs}|-|$o{appid}|-|0|0|0|0|$bits\n"
                                  : "ssl|$k|$o{$k}|$o{certhash}|$o{appid}|$o{certstorename}|0|0|0|0|$bits\n";
            } elsif ($l =~ /^netsh http add iplisten /) { print "iplisten|$o{ipaddress}\n" }
            elsif ($l =~ /^netsh advfirewall firewall add rule /) {
                my $ip = $o{localip} ? "$o{localip}/" . ($o{localip} =~ /:/ ? 128 : 32) : "";
                print "fw|$o{name}|$o{dir}|$o{action}|$o{protocol}|$o{localport}|$ip|yes\n";
            } elsif ($l =~ /^netsh firewall add portopening /) { print "port|$o{port}|$o{protocol}|$o{name}|ENABLE\n" }
            elsif ($l =~ /^httpcfg set (\w+) /) {
                my %h; for (my $i = 0; $i < @a; $i++) { $h{$a[$i]} = $a[$i + 1] if $a[$i] =~ m{^/} }
                print $1 eq "urlacl" ? "urlacl|$h{q(/u)}|" . sddl($h{q(/a)}) . "\n" : $1 eq "iplisten" ? "iplisten|$h{q(/i)}\n"
                    : "ssl|ipport|$h{q(/i)}|$h{q(/h)}|$h{q(/g)}|" . ($h{q(/c)} // "(null)") . "|0|0|0|0|0\n";
            }
        }' "$1" "$2"
}
# The state a forward script leaves: the records before, with those the
# script sets in place of any of the same key (the platform's, or foreign
# ones with /replace: a firewall rule renamed, kept by bindc, turned off).
want_state() {  # SCRIPT BEFORE
    model "$1" "$2" | perl -e '
        sub norm { my @f = split /\|/, $_[0], -1; if ($f[0] eq "ssl") { $f[3] = uc $f[3]; $f[4] = lc $f[4]; } join "|", @f; }
        sub key { my @f = split /\|/, $_[0], -1;
            return $f[0] eq "urlacl" || $f[0] eq "iplisten" || $f[0] eq "fw" ? "$f[0]|" . lc $f[1]
                 : $f[0] eq "ssl" ? "ssl|$f[1]|" . lc $f[2] : $f[0] eq "port" ? "port|$f[1]|" . uc $f[2] : $_[0]; }
        my %new; while (<STDIN>) { chomp; $_ = norm($_); $new{key($_)} = $_; }
        open my $b, "<", $ARGV[0] or die; my @out = values %new;
        while (<$b>) { chomp; s/\r//; next if /^(account|cert)\|/ || $_ eq ""; $_ = norm($_);
            my $k = key($_);
            if (!exists $new{$k} || $new{$k} eq $_) { push @out, $_; next }
            if (/^fw\|/) { my @f = split /\|/, $_, -1; $f[1] .= ", kept by bindc"; $f[7] = "no"; push @out, join "|", @f; } }
        my %seen; print map { "$_\n" } sort grep { !$seen{$_}++ } @out;' "$2"
}
# A state's records, sorted, without accounts and certificates; a hash and
# an appid are binary in HTTP.sys: their case is not compared.
records() {
    tr -d '\r' < "$1" | perl -ne 'chomp; next if /^(account|cert)\|/ || $_ eq ""; my @f = split /\|/, $_, -1;
        if ($f[0] eq "ssl") { $f[3] = uc $f[3]; $f[4] = lc $f[4]; } print join("|", @f), "\n";' | sort -u
}

# Each case is a folder with its scripts and before.txt; a driver runs its
# steps in one cmd.exe: `CASEDIR STEP SCRIPT [ARGS]` leaves CASEDIR/STEP.out,
# .rc and .state.  Steps named de-* run netsh in German, notadmin not
# elevated.
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
step() { steps+=("$*"); }

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
            if [ "$d" != "$prev" ]; then
                printf 'copy /y "%s\\before.txt" "%s\\state.txt" >nul\r\n' "$w" "$w"
                prev=$d
            fi
            printf 'set "BINDC_FAKE_STATE=%s\\state.txt"\r\n' "$w"
            printf 'set "BINDC_FAKE_LOG=%s\\%s.calls"\r\n' "$w" "$name"
            case $name in de-*) printf 'set "BINDC_FAKE_LANG=de"\r\n' ;; *) printf 'set "BINDC_FAKE_LANG="\r\n' ;; esac
            case $name in notadmin) printf 'set "BINDC_FAKE_NOT_ADMIN=1"\r\n' ;; *) printf 'set "BINDC_FAKE_NOT_ADMIN="\r\n' ;; esac
            # From the script's own folder, as a user runs it: there
            # `netsh` must still be netsh.exe, not netsh.cmd.
            printf 'pushd "%s"\r\ncall %s %s >"%s\\%s.out" 2>&1\r\n' "$w" "$script" "$args" "$w" "$name"
            printf '>"%s\\%s.rc" echo %%errorlevel%%\r\npopd\r\n' "$w" "$name"
            printf 'copy /y "%s\\state.txt" "%s\\%s.state" >nul\r\n' "$w" "$w" "$name"
            printf 'dir /b "%s\\%s-saved" >"%s\\%s.saved" 2>nul\r\n' "$w" "$(cat "$d/tool")" "$w" "$name"

        done
    } > "$f"
}
cycle() {  # CASEDIR TOOL [PREFIX]: apply, apply again, revert
    step "$1 ${3:-}apply1 $2.cmd"
    step "$1 ${3:-}apply2 $2.cmd"
    step "$1 ${3:-}revert $2-revert.cmd"
}

# ---- the golden cases -------------------------------------------------------------

# The features of netsh scripts: the default run takes, in order, each
# golden case that adds a feature no case taken before has.
features_pl='
    sub features { my ($f) = @_; my %x; open my $h, "<", $f or die; while (<$h>) { s/\r?\n$//;
        $x{iplisten4} = 1 if /^netsh http add iplisten ipaddress=[0-9.]+$/;
        $x{iplisten6} = 1 if /^netsh http add iplisten ipaddress=.*:/;
        $x{"acl-everyone"} = 1 if /^netsh http add urlacl .*sddl=D:\(A;;GX;;;WD\)/;
        $x{"acl-sid"} = 1 if /^netsh http add urlacl .*sddl=D:\(A;;GX;;;S-/;
        $x{"acl-user"} = 1 if /^netsh http add urlacl .*user=/;
        $x{"acl-wildcard"} = 1 if /^netsh http add urlacl url=https?:\/\/\*/;
        $x{"acl-v6"} = 1 if /^netsh http add urlacl url=https?:\/\/\[/;
        $x{"ssl-ipport4"} = 1 if /^netsh http add sslcert ipport=[0-9]/;
        $x{"ssl-ipport6"} = 1 if /^netsh http add sslcert ipport=\[/;
        $x{"ssl-hostnameport"} = 1 if /^netsh http add sslcert hostnameport=/;
        $x{"ssl-ccs"} = 1 if /^netsh http add sslcert ccs=/;
        $x{"ssl-switches"} = 1 if /^netsh http add sslcert .* disable/;
        $x{"ssl-store"} = 1 if /^netsh http add sslcert .*certstorename=(?!My\b)/;
        $x{"ssl-lookup"} = 1 if /^netsh http add sslcert .*%BINDC_THUMBPRINT/;
        $x{"ssl-platform"} = 1 if /^echo \[\d+\/\d+\] .*replacing the platform/;
        $x{firewall} = 1 if /^netsh advfirewall firewall add rule (?!.*localip=)/;
        $x{"firewall-ip"} = 1 if /^netsh advfirewall firewall add rule .*localip=/; }
        return keys %x; }'
# One case per distinct script that changes something: every one with
# BINDC_HTTP_SYS_ALL, else the subset; then the features it covers.
golden_pick() {  # ALL FILE...
    perl -e "$features_pl"'
        use Digest::MD5 qw(md5_hex);
        my $all = shift; my (%seen, %covered);
        for my $f (@ARGV) {
            my $t = do { open my $h, "<:raw", $f or die; local $/; <$h> };
            next unless $t =~ /^echo \[1\//m;
            next if $seen{md5_hex($t)}++;
            my @x = features($f);
            next unless $all || grep { !$covered{$_} } @x;
            $covered{$_} = 1 for @x;
            print "$f\n";
        }
        print "covered ", join(" ", sort keys %covered), "\n";' "$@"
}
declare -A covered
ngolden=0
if [ -n "$all" ]; then files=("$src"/tests/golden/compile/*/netsh.cmd "$src"/tests/golden/compile/*/httpcfg.cmd)
else files=("$src"/tests/golden/compile/*/netsh.cmd); fi
while read -r f rest; do
    if [ "$f" = covered ]; then for x in $rest; do covered[$x]=1; done; continue; fi
    t=$(basename "$f" .cmd)
    new_case "golden $(basename "$(dirname "$f")") $t" "$(dirname "$f")" $t
    cycle "$case_dir" $t
    ngolden=$((ngolden + 1))
done < <(golden_pick "$all" "${files[@]}")

# ---- the IIS Express scenarios, compiled here --------------------------------------

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
    http  *:8080:devbox.lan acl='DEVBOX\\alice'
    https *:44300:localhost cert=mine
    http  *:8081: acl=S-1-5-20 firewall=off
    http  10.1.2.3:8082:devbox.lan
    http  [::1]:8083:
}
"
# Where foreign records stand in the way: smaller, as it runs often.
scenario clash "platform iis-express
cert mine { thumbprint = \"3a1b9f0077c24e6d0a115b2c8d3e4f5061728394\" }
site A {
    http  *:80:localhost
    https *:443:localhost
    https *:44300:localhost cert=mine
    http  *:8080:localhost firewall
}
"
scenario alike "platform iis-express
iplisten 127.0.0.1
site A {
    http  *:80:localhost
    http  *:8080:devbox.lan acl='DEVBOX\\alice' firewall=off
    http  *:8081: acl=S-1-5-20 firewall=off
}
"
scenario twin "platform iis10
cert twin { friendly_name = \"Twin Certificate\" }
site A {
    https *:443: cert=twin
}
"
scenario stranger "platform iis10
site A {
    http *:80:a.example acl='DEVBOX\\nobody'
}
"
# The golden subset and the express scenario hold every shape of record.
if [ -z "$all" ]; then
    for x in $(perl -e "$features_pl"' print join(" ", features($ARGV[0])), "\n";' "$scen/express/netsh.cmd"); do covered[$x]=1; done
    for x in iplisten4 iplisten6 acl-everyone acl-sid acl-user acl-wildcard acl-v6 ssl-ipport4 ssl-ipport6 ssl-hostnameport \
             ssl-ccs ssl-switches ssl-store ssl-lookup ssl-platform firewall firewall-ip; do
        [ -n "${covered[$x]:-}" ] && ok || bad "neither a golden netsh script nor the express scenario has the feature $x"
    done
fi
# The development certificate's record, as IIS Express's installer made it.
platform_rec="ssl|ipport|0.0.0.0:44300|$DEV_THUMB|$DEV_APPID|MY|0|0|0|0|0"
# Foreign records where the clash scripts want their own.  The SSL binding
# has settings other than the defaults, as each tool can set them (fields:
# tests/wine/standin.c): for netsh no revocation check, no usage check, a
# freshness time and a timeout, DS mapper, client certificates and reject
# on, HTTP/2, TLS 1.2, legacy TLS and session tickets switched, and an ADFS
# CTL store; for httpcfg (Windows XP) a check mode, counts, flags and a CTL.
foreign_acl="urlacl|http://localhost:80/|D:(A;;GX;;;BA)"
foreign_ssl_netsh="ssl|ipport|0.0.0.0:443|AABBCCDDEEFF00112233445566778899AABBCCDD|{4dc3e181-e14b-4a21-b022-59fc669b0914}|My|65537|3600|15000|11|297||AdfsTrustedDevices"
foreign_ssl_httpcfg="ssl|ipport|0.0.0.0:443|AABBCCDDEEFF00112233445566778899AABBCCDD|{4dc3e181-e14b-4a21-b022-59fc669b0914}|(null)|65542|3600|15000|7|0|BindcCtl|CA"
# One no command line can give back (a double quote in its CTL identifier).
foreign_ssl_unreadable='ssl|ipport|0.0.0.0:443|AABBCCDDEEFF00112233445566778899AABBCCDD|{4dc3e181-e14b-4a21-b022-59fc669b0914}|My|0|0|0|0|0|Team "CTL"|CA'
for t in netsh httpcfg; do
    new_case "express $t" "$scen/express" $t "$platform_rec"
    cycle "$case_dir" $t
    foreign_ssl=foreign_ssl_$t
    foreign_http="$foreign_acl
${!foreign_ssl}"
    if [ $t = netsh ]; then
        foreign="$foreign_http
fw|bindc TCP 8080|in|block|TCP|8080||no"
    else
        foreign="$foreign_http
port|8080|TCP|Team wiki|DISABLE"
    fi
    new_case "clash $t, foreign records" "$scen/clash" $t "$platform_rec
$foreign"
    d=$case_dir
    step "$d stopped $t.cmd"
    step "$d replace $t.cmd /replace"
    step "$d again $t.cmd"
    step "$d revert $t-revert.cmd"
    # Records there as the script sets them, by other means: the account's
    # SID for acl='DEVBOX\alice', NS for S-1-5-20.
    new_case "alike $t, the same records there" "$scen/alike" $t "urlacl|http://localhost:80/|D:(A;;GX;;;WD)
urlacl|http://devbox.lan:8080/|D:(A;;GX;;;S-1-5-21-1-2-3-1001)
urlacl|http://*:8081/|D:(A;;GX;;;NS)
iplisten|127.0.0.1"
    step "$case_dir apply1 $t.cmd"
    step "$case_dir revert $t-revert.cmd"
    new_case "twin $t" "$scen/twin" $t
    step "$case_dir twin $t.cmd"
    new_case "stranger $t" "$scen/stranger" $t
    step "$case_dir stranger $t.cmd"
    new_case "unreadable $t, an SSL binding bindc cannot give back" "$scen/clash" $t "$platform_rec
$foreign_ssl_unreadable"
    step "$case_dir unreadable $t.cmd /replace"
done
new_case "clash netsh, German" "$scen/clash" netsh "$platform_rec"
cycle "$case_dir" netsh de-
# German words for every setting of the SSL binding it replaces and puts back.
new_case "clash netsh, German, foreign records replaced" "$scen/clash" netsh "$platform_rec
$foreign_acl
$foreign_ssl_netsh"
step "$case_dir de-apply1 netsh.cmd /replace"
step "$case_dir de-apply2 netsh.cmd"
step "$case_dir de-revert netsh-revert.cmd"
# Replaced in English, put back in German: every record then shows
# otherwise than the script's text of it, so the revert needs /replace, and
# the words do not compare: it gives back what it reads as values, says so.
new_case "clash netsh, replaced in English, put back in German" "$scen/clash" netsh "$platform_rec
$foreign_ssl_netsh"
step "$case_dir apply1 netsh.cmd /replace"
step "$case_dir de-otherwords netsh-revert.cmd /replace"
new_case "clash netsh, German, a foreign reservation" "$scen/clash" netsh "$platform_rec
urlacl|http://localhost:80/|D:(A;;GX;;;BA)"
step "$case_dir de-stopped netsh.cmd"
new_case "clash netsh, not elevated" "$scen/clash" netsh
step "$case_dir notadmin netsh.cmd"

# ---- run them: several cmd.exe at once, a prefix each -----------------------------------

# Each case goes, whole, to the driver with the least work so far (its
# records' commands plus a few, times its steps).
declare -A weight
for s in "${steps[@]}"; do
    d=${s%% *}
    weight[$d]=$(( ${weight[$d]:-0} + $(grep -c -E '^(netsh|httpcfg) ' "$d/$(cat "$d/tool").cmd") + 3 ))
done
declare -a load driver_steps
for ((j = 1; j <= jobs; j++)); do load[$j]=0; driver_steps[$j]=; done
prev= to=
for s in "${steps[@]}"; do
    d=${s%% *}
    if [ "$d" != "$prev" ]; then
        to=1
        for ((j = 2; j <= jobs; j++)); do [ ${load[$j]} -lt ${load[$to]} ] && to=$j; done
        load[$to]=$(( ${load[$to]} + ${weight[$d]} ))
        prev=$d
    fi
    driver_steps[$to]+="$s"$'\n'
done
start=$(date +%s)
pids=()
for ((j = 1; j <= jobs; j++)); do
    mapfile -t these <<<"${driver_steps[$j]%$'\n'}"
    [ -n "${these[0]:-}" ] || continue
    write_driver "$tmp/drive$j.cmd" "${these[@]}"
    WINEPREFIX=$pfx_base$j "$wine" cmd /c "$(winpath "$tmp/drive$j.cmd")" > "$tmp/drive$j.log" 2>&1 &
    pids+=($!)
done
wait "${pids[@]}"
echo "# $ngolden golden cases$([ -z "$all" ] && echo ' (the subset of distinct shapes)'), $ncase cases in all, ${#steps[@]} script runs:" \
     "$(( $(date +%s) - start )) s under Wine ($jobs at once), after $t_setup s of setting up"

# ---- the checks -------------------------------------------------------------------------

check_case() {  # I: the checks of case I, counted by ok and bad
    d=$tmp/c$1
    name=$(cat "$d/name")
    tool=$(cat "$d/tool")
    rc() { tr -d '\r ' < "$d/$1.rc" 2>/dev/null; }
    show() { echo "--- $1 output:"; tr -d '\r' < "$d/$1.out" 2>/dev/null | grep . | tail -40; }
    unchanged() { [ -f "$d/$1.state" ] && diff -q "$d/before.sorted" <(records "$d/$1.state") > /dev/null; }
    records "$d/before.txt" > "$d/before.sorted"
    want_state "$d/$tool.cmd" "$d/before.txt" > "$d/want"
    for p in "" de-; do
        # (the revert of a case that replaced foreign records runs after
        # `replace` and `again`, not after `apply1`)
        [ -f "$d/${p}apply1.rc" ] || [ -f "$d/${p}revert.rc" ] || continue
        if [ ! -f "$d/${p}apply1.rc" ]; then :
        elif [ "$(rc ${p}apply1)" = 0 ] && [ -f "$d/${p}apply1.state" ] && diff -u "$d/want" <(records "$d/${p}apply1.state") > "$d/diff"; then ok; else
            bad "$name: the state after the script (exit $(rc ${p}apply1)) is not its records added to what was there"
            cat "$d/diff"; show ${p}apply1
        fi
        if [ -f "$d/${p}apply2.rc" ]; then
            if [ "$(rc ${p}apply2)" = 0 ] && [ -f "$d/${p}apply2.state" ] &&
               diff -u <(records "$d/${p}apply1.state") <(records "$d/${p}apply2.state") > "$d/diff"; then ok; else
                bad "$name: a second run changed something (exit $(rc ${p}apply2))"; cat "$d/diff"; show ${p}apply2
            fi
        fi
        if [ -f "$d/${p}revert.rc" ]; then
            if [ "$(rc ${p}revert)" = 0 ] && unchanged ${p}revert; then ok; else
                bad "$name: the revert (exit $(rc ${p}revert)) did not give back the state before"
                diff -u "$d/before.sorted" <(records "$d/${p}revert.state"); show ${p}revert
            fi
            if [ -e "$d/$tool-saved" ]; then bad "$name: the revert left $tool-saved behind"; ls -la "$d/$tool-saved"; else ok; fi
        fi
    done
    if [ -f "$d/stopped.rc" ]; then
        # netsh.cmd names the reservation's holder by its SDDL, the XP port
        # opening by its name; both stop before anything changed.
        fw_said='firewall rule bindc TCP 8080 is set already'
        [ $tool = httpcfg ] && fw_said='firewall port TCP 8080 is open already as "Team wiki"'
        if [ "$(rc stopped)" = 1 ] && unchanged stopped && grep -q 'nothing was changed' "$d/stopped.out" &&
           grep -q 'URL ACL http://localhost:80/ is set already' "$d/stopped.out" && grep -q 'D:(A;;GX;;;BA)' "$d/stopped.out" &&
           grep -q 'SSL certificate binding .*0.0.0.0:443 is set already' "$d/stopped.out" &&
           grep -q "$fw_said" "$d/stopped.out"; then ok; else
            bad "$name: foreign records did not stop the script before any change, each named with its holder"; show stopped
        fi
        want_rep=$(want_state "$d/$tool.cmd" "$d/before.txt")
        if [ "$(rc replace)" = 0 ] && diff -u <(echo "$want_rep") <(records "$d/replace.state") > "$d/diff" &&
           [ "$(tr -d '\r' < "$d/replace.saved" | grep -c 'replaced.txt$')" = 4 ]; then ok; else
            bad "$name: /replace did not replace the foreign records (exit $(rc replace)), keeping them beside the script"
            cat "$d/diff"; cat "$d/replace.saved"; show replace
        fi
        if [ "$(rc again)" = 0 ] && diff -q <(records "$d/replace.state") <(records "$d/again.state") > /dev/null; then ok; else
            bad "$name: a run after /replace changed something (exit $(rc again))"; show again
        fi
    fi
    if [ -f "$d/de-stopped.rc" ]; then
        if [ "$(rc de-stopped)" = 1 ] && unchanged de-stopped && grep -q 'URL-Reservierungen' "$d/de-stopped.out" &&
           [ "$(grep -c 'is set already' "$d/de-stopped.out")" = 1 ]; then ok; else
            bad "$name: netsh in German did not stop at the foreign reservation alone"; show de-stopped
        fi
    fi
    if [ -f "$d/de-otherwords.rc" ]; then
        # The binding is back with its certificate, appid and values, its
        # switches netsh's defaults; its text stays.
        back=$(echo "$foreign_ssl_netsh" | awk -F'|' -v OFS='|' '{ $7 = 0; $10 = 0; $11 = 0; print }')
        if [ "$(rc de-otherwords)" = 1 ] && grep -q 'now shows SSL bindings in other words' "$d/de-otherwords.out" &&
           grep -q 'not every record is back exactly as it was' "$d/de-otherwords.out" &&
           grep -q '^sslcert-ipport-0.0.0.0_3a443.replaced.txt' "$d/de-otherwords.saved" &&
           records "$d/de-otherwords.state" | grep -qixF "$back"; then ok; else
            bad "$name: the revert did not say it could not read the settings in other words, keeping the text"
            records "$d/de-otherwords.state" | grep 0.0.0.0:443; cat "$d/de-otherwords.saved"; show de-otherwords
        fi
    fi
    if [ -f "$d/unreadable.rc" ]; then
        if [ "$(rc unreadable)" = 1 ] && unchanged unreadable && grep -q 'nothing was changed' "$d/unreadable.out" &&
           grep -q 'SSL certificate binding .*0.0.0.0:443 is set already, in a form bindc cannot read back' "$d/unreadable.out"; then ok; else
            bad "$name: /replace replaced an SSL binding whose settings the revert could not give back"; show unreadable
        fi
    fi
    if [ -f "$d/twin.rc" ]; then
        if [ "$(rc twin)" = 1 ] && unchanged twin && grep -q "more than one certificate in LocalMachine.My has the friendly name \"Twin Certificate\"" "$d/twin.out" &&
           grep -q "$TWIN1" "$d/twin.out" && grep -q "$TWIN2" "$d/twin.out"; then ok; else
            bad "$name: two certificates with the friendly name did not stop the script, naming both"; show twin
        fi
    fi
    if [ -f "$d/stranger.rc" ]; then
        if [ "$(rc stranger)" = 1 ] && unchanged stranger && grep -q 'the account "DEVBOX.nobody" is unknown on this machine' "$d/stranger.out"; then ok; else
            bad "$name: an unknown account did not stop the script before any change"; show stranger
        fi
    fi
    if [ -f "$d/notadmin.rc" ]; then
        if [ "$(rc notadmin)" = 1 ] && unchanged notadmin && grep -q 'as an administrator' "$d/notadmin.out"; then ok; else
            bad "$name: not elevated, the script did not stop"; show notadmin
        fi
    fi
    # The same records there: left alone, so the state after is the state
    # before and nothing of it is the script's to remove.
    case $name in *"the same records there")
        if grep -c 'there already, as this script sets it' "$d/apply1.out" | grep -qx 4; then ok; else
            bad "$name: the records there as the script sets them were not all left alone"; show apply1
        fi ;;
    esac
}

# Under load, Wine now and then fails to start a program: cmd.exe says it
# cannot recognize it where the command's output went (a file the script
# may overwrite later), or a hidden fltmc fails and the script asks to be
# run as an administrator.  The scripts and the stand-ins are
# deterministic, so a case whose checks fail runs again, once, from the
# state before; its second run counts only when the first one shows such
# a failure: a stand-in call the second run makes and the first did not
# reach (every stand-in appends its command line to STEP.calls), or
# cmd.exe's words.  Otherwise the first run's failure stands.
rerun=()
for ((i = 0; i < ncase; i++)); do
    ( pass=0 fail=0; check_case $i > /dev/null 2>&1; [ $fail = 0 ] ) || rerun+=($i)
done
if [ ${#rerun[@]} -gt 0 ]; then
    again=()
    for i in "${rerun[@]}"; do
        d=$tmp/c$i
        mkdir "$d/first"
        mv "$d"/*.out "$d"/*.rc "$d"/*.state "$d"/*.saved "$d"/*.calls "$d/first/" 2>/dev/null
        [ -e "$d/$(cat "$d/tool")-saved" ] && mv "$d/$(cat "$d/tool")-saved" "$d/first/"
        rm -f "$d/state.txt"
        for s in "${steps[@]}"; do [ "${s%% *}" = "$d" ] && again+=("$s"); done
    done
    write_driver "$tmp/again.cmd" "${again[@]}"
    WINEPREFIX=${pfx_base}1 "$wine" cmd /c "$(winpath "$tmp/again.cmd")" > "$tmp/again.log" 2>&1
    for i in "${rerun[@]}"; do
        d=$tmp/c$i
        why=
        for c in "$d"/*.calls; do
            f=$d/first/$(basename "$c")
            # the first call the second run made that the first run did not, at that place
            miss=$(diff <(tr -d '\r' 2>/dev/null < "$f") <(tr -d '\r' < "$c") | grep -m1 '^>' | cut -c3-)
            [ -n "$miss" ] && { why="the first run did not reach \"$miss\" in $(basename "$c" .calls)"; break; }
        done
        [ -z "$why" ] && grep -r -q -E "Can't recognize '" "$d/first" && why="cmd.exe could not start a program"
        if [ -n "$why" ]; then
            echo "# [$(cat "$d/name")] ran again: $why (Wine)"
        else
            # not Wine's failure: the first run is the one checked
            rm -rf "$d"/*.out "$d"/*.rc "$d"/*.state "$d"/*.saved "$d"/*.calls "$d/$(cat "$d/tool")-saved"
            mv "$d/first"/* "$d/"
            echo "# [$(cat "$d/name")] ran again: it made the same calls, so its first run is checked"
        fi
    done
fi
for ((i = 0; i < ncase; i++)); do check_case $i; done

echo "$pass passed, $fail failed ($(( $(date +%s) - t0 )) s)"
[ $fail = 0 ]
