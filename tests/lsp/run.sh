#!/usr/bin/env bash
# Scripted LSP sessions through the real `bindc lsp`: golden data.
#   run.sh BINDC [--update] [NAME...]
# NAME.in.jsonl is what a client sends, one message a line, framed with a
# correct Content-Length by this script.  Lines starting with `#` are
# comments; a line `!raw TEXT` is sent verbatim instead, with \r \n \t \\
# and \xNN escapes (broken headers, wrong lengths); `${ROOT}` stands for a
# fresh temporary folder that holds a copy of NAME.files/ when it exists.
# The server's messages, one a line, with `${ROOT}` put back, then a line
# `# exit N`, must equal NAME.out.jsonl; --update rewrites it for review.
# Positions are part of the data: every range a session prints is checked.
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
dir=$(cd "$(dirname "$0")" && pwd)
command -v perl > /dev/null || { echo "perl is needed (.ci/install-deps installs it)"; exit 2; }
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$dir"/*.in.jsonl; do names+=("$(basename "${f%.in.jsonl}")"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

frame='
    binmode STDIN; binmode STDOUT;
    my $root = $ENV{ROOT};
    while (my $l = <STDIN>) {
        chomp $l;
        next if $l eq "" || $l =~ /^#/;
        $l =~ s/\$\{ROOT\}/$root/g;
        if ($l =~ s/^!raw //) {
            $l =~ s/\\(x([0-9A-Fa-f]{2})|r|n|t|\\)/$2 ? chr(hex($2)) : $1 eq "r" ? "\r" : $1 eq "n" ? "\n" : $1 eq "t" ? "\t" : "\\"/ge;
            print $l;
            next;
        }
        print "Content-Length: " . length($l) . "\r\n\r\n" . $l;
    }'
unframe='
    binmode STDIN; binmode STDOUT;
    my $root = $ENV{ROOT};
    local $/; my $d = <STDIN>;
    while ($d =~ /\GContent-Length: (\d+)\r\n\r\n/gc) {
        my $n = $1; my $p = pos($d);
        my $m = substr($d, $p, $n);
        $m =~ s/\Q$root\E/\${ROOT}/g;
        print $m, "\n";
        pos($d) = $p + $n;
    }
    print "# unframed bytes left: " . (length($d) - pos($d)) . "\n" if (pos($d) // 0) != length($d);'

for name in "${names[@]}"; do
    in="$dir/$name.in.jsonl" want="$dir/$name.out.jsonl"
    [ -f "$in" ] || { echo "FAIL $name: no $name.in.jsonl"; fail=$((fail + 1)); continue; }
    root="$tmp/$name"
    mkdir -p "$root"
    [ -d "$dir/$name.files" ] && cp -R "$dir/$name.files/." "$root/"
    root=$(cd "$root" && pwd -P)
    got="$tmp/$name.out"
    ROOT=$root perl -e "$frame" < "$in" > "$tmp/$name.bin"
    (cd "$root" && timeout 60 "$bindc" lsp < "$tmp/$name.bin" > "$tmp/$name.raw" 2> "$tmp/$name.log")
    rc=$?
    ROOT=$root perl -e "$unframe" < "$tmp/$name.raw" > "$got"
    echo "# exit $rc" >> "$got"
    if [ $update = 1 ]; then cp "$got" "$want"; pass=$((pass + 1)); continue; fi
    if [ ! -f "$want" ]; then echo "FAIL $name: no $name.out.jsonl (run with --update)"; fail=$((fail + 1)); continue; fi
    if diff -u "$want" "$got" > "$tmp/diff"; then
        pass=$((pass + 1))
    else
        echo "FAIL $name"; cat "$tmp/diff"; echo "-- server log:"; cat "$tmp/$name.log"; fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
