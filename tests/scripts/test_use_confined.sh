#!/usr/bin/env bash
# `use` reads nothing outside the project and never blocks: a .bind file in
# a change under review must not be able to print the CI's environment or
# any other file into a log, nor hang `bindc check` with a FIFO.  It loads
# a file in one lookup, however many files the project has.  And an input
# named on the command line may be a pipe: `-`, /dev/stdin, <(...).
set -u
bindc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

mkdir -p "$tmp/proj/lib" "$tmp/outside"
printf 'site Out {\n    http *:80:out.example\n}\n' > "$tmp/outside/out.bind"

# The environment and /etc/passwd: refused before anything is read.
printf 'use "/proc/self/environ"\nuse "/etc/passwd"\n' > "$tmp/proj/leak.bind"
SECRET_TOKEN=s3cr3t-token-value "$bindc" check "$tmp/proj/leak.bind" > "$tmp/out" 2>&1; rc=$?
[ $rc = 1 ] && ok || bad "leak: exit $rc, expected 1"
[ "$(grep -c 'error\[E0004\]' "$tmp/out")" = 2 ] && ok || bad "leak: not two E0004"
grep -q 's3cr3t-token-value' "$tmp/out" && bad "leak: the environment was printed" || ok
grep -q 'root:' "$tmp/out" && bad "leak: /etc/passwd was printed" || ok

# Out of the project: a `..`, a link, an absolute path.
ln -s "$tmp/outside/out.bind" "$tmp/proj/lib/link.bind"
printf 'use "../outside/out.bind"\nuse "lib/link.bind"\nuse "%s"\n' "$tmp/outside/out.bind" > "$tmp/proj/escape.bind"
"$bindc" check "$tmp/proj/escape.bind" > "$tmp/out" 2>&1; rc=$?
[ $rc = 1 ] && ok || bad "escape: exit $rc, expected 1"
[ "$(grep -c 'leaves the project' "$tmp/out")" = 3 ] && ok || { bad "escape: not three refusals"; cat "$tmp/out"; }
grep -q 'out.example' "$tmp/out" && bad "escape: the outside file was read" || ok
# Inside the project a used file is fine; every file given on the command
# line brings its folder in, whatever the order.
printf 'use "lib/inner.bind"\n' > "$tmp/proj/inner-user.bind"
printf 'site In {\n    http *:80:in.example\n}\n' > "$tmp/proj/lib/inner.bind"
"$bindc" check "$tmp/proj/inner-user.bind" > "$tmp/out" 2>&1 && ok || { bad "inner: refused"; cat "$tmp/out"; }
"$bindc" check "$tmp/proj/escape.bind" "$tmp/outside/out.bind" > "$tmp/out" 2>&1
[ "$(grep -c 'leaves the project' "$tmp/out")" = 0 ] && ok || { bad "two folders: still refused"; cat "$tmp/out"; }

# A FIFO named by `use` is refused at once, not waited on.
mkfifo "$tmp/proj/lib/fifo.bind"
printf 'use "lib/fifo.bind"\n' > "$tmp/proj/fifo-user.bind"
timeout 10 "$bindc" check "$tmp/proj/fifo-user.bind" > "$tmp/out" 2>&1; rc=$?
[ $rc = 1 ] && ok || bad "fifo: exit $rc (124: it hung), expected 1"
grep -q 'not a regular file' "$tmp/out" && ok || { bad "fifo: no 'not a regular file'"; cat "$tmp/out"; }

# Inputs that are pipes: read as streams.
printf 'site A {\n    http *:80:\n    http *:80:\n}\n' > "$tmp/dup.bind"
for how in stdin dash procsub; do
    case $how in
    stdin) "$bindc" check /dev/stdin < "$tmp/dup.bind" > "$tmp/out" 2>&1; rc=$? ;;
    dash) cat "$tmp/dup.bind" | "$bindc" check - > "$tmp/out" 2>&1; rc=$? ;;
    procsub) "$bindc" check <(cat "$tmp/dup.bind") > "$tmp/out" 2>&1; rc=$? ;;
    esac
    [ $rc = 1 ] && grep -q 'E0201' "$tmp/out" && ok || { bad "stream $how: exit $rc"; cat "$tmp/out"; }
done

# Fan-out: ten times the used files takes about ten times as long (a
# linear search per `use` made it a hundred).  Best of three runs each.
fan() {  # N: a main.bind that uses N files
    local d=$tmp/fan$1
    mkdir -p "$d/s"
    perl -e 'my ($d, $n) = @ARGV; open my $m, ">", "$d/main.bind" or die;
             for my $i (1 .. $n) { print $m "use \"s/f$i.bind\"\n";
                 open my $f, ">", "$d/s/f$i.bind" or die; print $f "site s$i {\n    http *:80:s$i.example\n}\n"; close $f }' "$d" "$1"
    local best=
    for _ in 1 2 3; do
        local t0 t1
        t0=$(date +%s%N); "$bindc" check "$d/main.bind" > /dev/null 2>&1 || bad "fan $1: check failed"; t1=$(date +%s%N)
        local ms=$(( (t1 - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}
small=$(fan 1000) large=$(fan 10000)
echo "use fan-out: 1,000 files $small ms, 10,000 files $large ms"
[ "$large" -le $(( small * 30 + 200 )) ] && ok || bad "fan-out: 10,000 files took $large ms, 1,000 took $small ms: not linear"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
