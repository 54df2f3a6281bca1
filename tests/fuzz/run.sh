#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a bounded time.
#   tests/fuzz/run.sh [SECONDS_PER_HARNESS]     (default 30) — a real fuzzing run
#   tests/fuzz/run.sh 600                       — the real run to do before a release
#       or after a change to what a harness reaches: 10 minutes per harness
#       (about two hours for all of them; the corpus grows across runs)
#   tests/fuzz/run.sh smoke                     — what CI runs: a fixed seed and a
#       fixed number of inputs per harness, so the same commit always gives the
#       same result (a CI run must not pass or fail by chance)
#   HARNESSES="fuzz_lsp_frame fuzz_lsp_doc" tests/fuzz/run.sh 300   — only these
# Seeds come from the golden inputs, the examples and tests/bogons; the two
# language-server harnesses also get the scripted sessions of tests/lsp
# (lsp_seeds below); new corpus entries go to build-fuzz/corpus/<harness>.
# A crash leaves its input as build-fuzz/crash-*: copy it to tests/bogons/
# (or to tests/fuzz/seeds/<harness>/ when the bug was the harness's) so it
# stays fixed.
set -euo pipefail
secs=${1:-30}
smoke=0
if [ "$secs" = smoke ]; then smoke=1; secs=600; fi
# Inputs per harness in a smoke run (each takes 10-50 s here; fuzz_lsp_frame
# runs whole sessions since it is seeded with them, ~150 a second).
declare -A smoke_runs=([fuzz_check]=2000 [fuzz_split]=2000 [fuzz_binding]=50000 [fuzz_lsp_doc]=400 [fuzz_lsp_frame]=5000 [fuzz_merge]=10000
                       [fuzz_import_iis]=5000 [fuzz_import_netsh]=20000 [fuzz_import_appcmd]=20000 [fuzz_import_nginx]=20000
                       [fuzz_state]=2000)
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
CC=clang cmake -S "$root" -B "$build" -DBINDC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" -j2 > /dev/null
# The language-server harnesses start from tests/lsp's sessions: framed as a
# client sends them for fuzz_lsp_frame (one seed a session, one a message),
# the documents they open and replace for fuzz_lsp_doc (whose input is a
# document's text).  Seeded with .bind files only, fuzz_lsp_frame rarely got
# past the framing.
lsp_seeds() {
    rm -rf "$build/seeds" && mkdir -p "$build/seeds/fuzz_lsp_frame" "$build/seeds/fuzz_lsp_doc"
    for f in "$root"/tests/lsp/*.in.jsonl; do
        OUT=$build/seeds NAME=$(basename "$f" .in.jsonl) perl -MJSON::PP -e '
            binmode STDIN; my ($out, $name) = @ENV{qw(OUT NAME)};
            my ($all, $i) = ("", 0);
            sub put { my ($path, $bytes) = @_; open(my $o, ">:raw", $path) or die "$path: $!"; print $o $bytes; close $o; }
            while (my $l = <STDIN>) {
                chomp $l;
                next if $l eq "" || $l =~ /^#/;
                $l =~ s/\$\{ROOT\}/\/nowhere/g;
                my $m;
                if ($l =~ s/^!raw //) {
                    $l =~ s/\\(x([0-9A-Fa-f]{2})|r|n|t|\\)/$2 ? chr(hex($2)) : $1 eq "r" ? "\r" : $1 eq "n" ? "\n" : $1 eq "t" ? "\t" : "\\"/ge;
                    $m = $l;
                } else {
                    $m = "Content-Length: " . length($l) . "\r\n\r\n" . $l;
                    my $j = eval { JSON::PP->new->utf8->decode($l) };
                    my $p = ref $j eq "HASH" ? $j->{params} : undef;
                    my @texts = ref $p eq "HASH" && ref $p->{textDocument} eq "HASH" && defined $p->{textDocument}{text}
                                    ? ($p->{textDocument}{text}) : ();
                    push @texts, map { $_->{text} } grep { ref $_ eq "HASH" && !$_->{range} && defined $_->{text} }
                                 @{ ref $p eq "HASH" && ref $p->{contentChanges} eq "ARRAY" ? $p->{contentChanges} : [] };
                    for my $t (@texts) { utf8::encode($t); put("$out/fuzz_lsp_doc/$name-" . $i++, $t); }
                }
                $all .= $m;
                put("$out/fuzz_lsp_frame/$name-msg-" . $i++, $m);
            }
            put("$out/fuzz_lsp_frame/$name", $all);' < "$f"
    done
}
lsp_seeds

status=0
for h in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    name=$(basename "$h")
    case " ${HARNESSES:-$name} " in *" $name "*) ;; *) continue ;; esac
    corpus=$build/corpus/$name
    mkdir -p "$corpus"
    seeds=("$root/tests/golden/check" "$root/examples")
    [ -d "$root/tests/bogons" ] && seeds+=("$root/tests/bogons")
    [ -d "$root/tests/fuzz/seeds/$name" ] && seeds+=("$root/tests/fuzz/seeds/$name")
    [ -d "$build/seeds/$name" ] && seeds+=("$build/seeds/$name")
    # The importers start from the captures and configurations of the import tests.
    case $name in fuzz_import_*) seeds+=("$root/tests/golden/import/inputs" "$root/tests/fixtures/iis") ;; esac
    limits=(-max_total_time="$secs")
    if [ $smoke = 1 ]; then
        rm -rf "$corpus" && mkdir -p "$corpus"
        limits+=(-seed=1 -runs="${smoke_runs[$name]:-5000}")
        echo "fuzz: $name, ${smoke_runs[$name]:-5000} inputs from seed 1"
    else
        echo "fuzz: $name for ${secs}s"
    fi
    if ! ASAN_OPTIONS=detect_leaks=1 "$h" "${limits[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$build/crash-$name-" -print_final_stats=1 "$corpus" "${seeds[@]}" > "$build/$name.log" 2>&1; then
        echo "fuzz: $name FAILED"; tail -40 "$build/$name.log"; status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$build/$name.log" | tail -2
    fi
done
exit $status
