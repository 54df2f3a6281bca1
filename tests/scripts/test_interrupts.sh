#!/usr/bin/env bash
# Interrupted runs clean up: SIGINT, SIGTERM and SIGHUP, sent at random
# moments during a large `--target all` (a fleet that takes about a second)
# and an in-place --merge of it, end bindc with 130, 143 or 129 (or it had
# finished: 0); every output is then the old bytes or the new ones, whole;
# no temporary file is left; and the merged file's .bak, when there is one,
# is the old file.  The signal comes at a random moment late in the run,
# as soon as a temporary file appears, or as soon as the renames begin
# (the first output replaced; the merge's .bak made): each signal at two
# of these moments, each moment for two of the signals.  The
# seed of the random moments is printed, and BINDC_SEED=N replays a run
# (BINDC_FLEET=N sets the fleet's size).
set -u
bindc=$1
src=${BINDC_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
seed=${BINDC_SEED:-$(( ($(date +%s) ^ $$) % 1000000 ))}
echo "seed $seed (BINDC_SEED=$seed replays this run)"
RANDOM=$seed
cd "$tmp" || exit 1

size=${BINDC_FLEET:-120000}
perl "$src/tests/bench/fleet_gen.pl" "$size" > fleet.bind
perl "$src/tests/bench/fleet_gen.pl" 2000 > small.bind
ms() { echo $(( $(date +%s%N) / 1000000 )); }
# The old set (a small fleet's) and the new one, and how long the new takes.
"$bindc" compile small.bind --target all -o old > /dev/null 2>&1 || bad "the old set"
t0=$(ms)
"$bindc" compile fleet.bind --target all -o new > /dev/null 2>&1 || bad "the new set"
all_ms=$(( $(ms) - t0 ))
hwc=$src/tests/fixtures/iis/shirhatti-HwcConsole.config
t0=$(ms)
"$bindc" compile fleet.bind --target iis --merge "$hwc" -o merged.config > /dev/null 2>&1 || bad "the merged file"
merge_ms=$(( $(ms) - t0 ))
echo "fleet of $size bindings: --target all $all_ms ms, --merge $merge_ms ms"
names=$(ls old)
[ "$names" = "$(ls new)" ] || bad "the old and the new sets name different files"

# Runs bindc with the three signals at their default action (bash starts a
# background job with SIGINT ignored, and bindc keeps an ignored signal
# ignored, as nohup asks), sends SIG at a moment, and sets $rc.  The
# moment: `time MS`, `glob PATTERN` (as soon as a file matches: a
# temporary file is being written), or `newer FILE` (as soon as FILE is
# replaced: the renames have begun).
interrupt() {  # SIG HOW WHAT ARGS...
    local sig=$1 how=$2 what=$3; shift 3
    touch stamp
    sleep 0.01                               # (a file made now is newer than the stamp)
    perl -e '$SIG{$_} = "DEFAULT" for qw(INT TERM HUP); exec @ARGV or die' "$bindc" "$@" > /dev/null 2> err &
    local pid=$!
    case $how in
    time) sleep "$(printf '%d.%03d' $((what / 1000)) $((what % 1000)))" ;;
    glob) while kill -0 $pid 2> /dev/null && ! compgen -G "$what" > /dev/null; do nap; done ;;
    newer)      # the renames follow the writing: asked without a pause only then
        while kill -0 $pid 2> /dev/null && ! compgen -G "${what%/*}/*.tmp*" > /dev/null; do nap; done
        while kill -0 $pid 2> /dev/null && ! [ "$what" -nt stamp ]; do :; done ;;
    esac
    kill -s "$sig" $pid 2> /dev/null
    { wait $pid; } 2> /dev/null           # (without bash's "Hangup" line)
    rc=$?
}
# A moment in [from, to] percent of ms: most of a run is the check, the
# writing and the renames come at its end.
moment() { echo $(( $1 * $2 / 100 + RANDOM % ($1 * ($3 - $2) / 100 + 1) )); }
# Two milliseconds without a process of its own (sleep would be one) and
# without taking a core from bindc: a read that nothing answers.
mkfifo idle
exec 9<> idle
nap() { read -r -t 0.002 -u 9; }
code() { case $1 in INT) echo 130 ;; TERM) echo 143 ;; HUP) echo 129 ;; esac; }
temps() { find "$@" -name '*.tmp??????' 2> /dev/null | tr '\n' ' '; }

first=$(echo "$names" | head -n 1)      # renamed first (the targets' order)
# Each signal at two of the three moments, each moment for two signals.
for case in INT:time INT:rename TERM:temp TERM:time HUP:rename HUP:temp; do
    sig=${case%:*} when=${case#*:}
    {
        # --target all over the old set.
        rm -rf out
        cp -a old out
        case $when in
        time) how="time $(moment "$all_ms" 30 110)" ;;
        temp) how="glob out/*.tmp*" ;;
        rename) how="newer out/$first" ;;
        esac
        interrupt "$sig" $how compile fleet.bind --target all -o out
        what="--target all, SIG$sig at $how"
        [ $rc = "$(code "$sig")" ] || [ $rc = 0 ] && ok || bad "$what: exit $rc: $(head -c 300 err)"
        left=$(temps out)
        [ -z "$left" ] && ok || bad "$what: temporary files left: $left"
        [ "$(ls out)" = "$names" ] && ok || bad "$what: the folder holds $(ls out | tr '\n' ' ')"
        n_new=0
        for n in $names; do
            if cmp -s "out/$n" "new/$n"; then n_new=$((n_new + 1))
            elif cmp -s "out/$n" "old/$n"; then :
            else bad "$what: $n is neither the old file nor the new one"; fi
        done
        [ $rc != 0 ] || [ $n_new = "$(echo "$names" | wc -l)" ] && ok || bad "$what: exit 0 but $n_new files new"
        echo "  $what: exit $rc, $n_new new files"

        # --merge in place.
        rm -rf m
        mkdir m
        cp "$hwc" m/h.config
        case $when in
        time) how="time $(moment "$merge_ms" 40 115)" ;;
        temp) how="glob m/h.config.tmp*" ;;
        rename) how="glob m/h.config.bak" ;;      # made right before the rename
        esac
        interrupt "$sig" $how compile fleet.bind --target iis --merge m/h.config
        what="--merge, SIG$sig at $how"
        [ $rc = "$(code "$sig")" ] || [ $rc = 0 ] && ok || bad "$what: exit $rc: $(head -c 300 err)"
        left=$(temps m)
        [ -z "$left" ] && ok || bad "$what: temporary files left: $left"
        state=old
        if cmp -s m/h.config merged.config; then state=new
            cmp -s m/h.config.bak "$hwc" && ok || bad "$what: merged, but the .bak is not the old file"
        elif cmp -s m/h.config "$hwc"; then
            # A .bak made just before the signal stays only as a spare copy.
            [ ! -e m/h.config.bak ] || cmp -s m/h.config.bak "$hwc" && ok || bad "$what: the .bak is not the old file"
        else bad "$what: the file is neither the old one nor the merge"; fi
        [ -z "$(ls m | grep -v -x -e h.config -e h.config.bak)" ] && ok || bad "$what: the folder holds $(ls m | tr '\n' ' ')"
        [ $rc != 0 ] || [ $state = new ] && ok || bad "$what: exit 0 but the file is not the merge"
        echo "  $what: exit $rc, the $state file$([ -e m/h.config.bak ] && echo ", a .bak")"
    }
done

echo "$pass passed, $fail failed (seed $seed)"
[ $fail = 0 ]
