#!/usr/bin/env bash
# `bindc lsp` as a process: stdout carries framed messages and nothing else,
# logs go to stderr, exit codes follow the LSP rule, a 50 MB message is
# served, one over the limit is refused with its id and the server goes on,
# a Content-Length that promises too much is answered once the input
# pauses, one far over the limit (2 GB, 2^63) swallows nothing after it,
# a `use` of a FIFO is refused without blocking, and a client that goes
# away does not crash the server.
set -u
bindc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
command -v perl > /dev/null || { echo "perl is needed (.ci/install-deps installs it)"; exit 1; }

# frame: JSON lines -> framed messages.  unframe: framed messages -> JSON
# lines, and a last line `rest N` with the bytes that were not messages.
frame() { perl -e 'binmode STDOUT; while (my $l = <STDIN>) { chomp $l; print "Content-Length: " . length($l) . "\r\n\r\n" . $l; }'; }
unframe() {
    perl -e 'binmode STDIN; local $/; my $d = <STDIN>; my $p = 0;
             while ($d =~ /\GContent-Length: (\d+)\r\n\r\n/gc) { my $n = $1; $p = pos($d); print substr($d, $p, $n), "\n"; $p += $n; pos($d) = $p; }
             print "rest ", length($d) - $p, "\n";'
}
has() {  # NAME FILE TEXT
    if grep -q -F -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(basename "$2")"; head -c 2000 "$2"; echo; fi
}
init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
shutdown='{"jsonrpc":"2.0","id":99,"method":"shutdown"}'
exit_='{"jsonrpc":"2.0","method":"exit"}'

# ---- exit codes ------------------------------------------------------------
printf '%s\n%s\n%s\n' "$init" "$shutdown" "$exit_" | frame > "$tmp/in"
timeout 30 "$bindc" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
[ $? = 0 ] && ok || bad "shutdown then exit: exit code 0"
printf '%s\n%s\n' "$init" "$exit_" | frame > "$tmp/in"
timeout 30 "$bindc" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok || bad "exit without shutdown: exit code 1"
printf '%s\n' "$init" | frame > "$tmp/in"
timeout 30 "$bindc" lsp --stdio < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok || bad "end of input without exit: exit code 1"
unframe < "$tmp/out" > "$tmp/msgs"
has "--stdio is accepted" "$tmp/msgs" '"id":1,"result":{"capabilities"'
timeout 30 "$bindc" lsp --tcp < /dev/null > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok || bad "unknown argument: exit code 2"

# ---- stdout holds messages only; problems are logged on stderr --------------
{
    printf '%s\n' "$init" | frame
    printf 'Content-Type: x\r\n\r\n{"jsonrpc":"2.0","id":2}'          # no Content-Length
    printf 'Content-Length: 5\r\n\r\n{"a":'                            # not JSON
    printf '%s\n%s\n' "$shutdown" "$exit_" | frame
} > "$tmp/in"
timeout 30 "$bindc" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
unframe < "$tmp/out" > "$tmp/msgs"
has "stdout is only messages" "$tmp/msgs" "rest 0"
has "parse error answered" "$tmp/msgs" '"id":null,"error":{"code":-32700'
has "framing problem logged" "$tmp/err" "bindc lsp: header block without Content-Length"
has "parse error logged" "$tmp/err" "bindc lsp: a message is not JSON"

# ---- a 50 MB message is served; one over the 64 MiB limit is refused ---------
perl -e '
    binmode STDOUT;
    sub msg { my $b = shift; print "Content-Length: " . length($b) . "\r\n\r\n" . $b; }
    msg(q({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}));
    # A 50 MB document: comments, then a binding with a wrong port on its last line.
    my $line = "# " . ("x" x 60) . "\\n";
    my $n = int(50_000_000 / length($line));
    my $text = ($line x $n) . "site big { http *:99999: }\\n";
    msg(q({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///nowhere/big.bind","languageId":"bind","version":1,"text":").$text.q("}}}));
    # A 50 MB request: answered.
    msg(q({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"pad":").("y" x 50_000_000).q(","textDocument":{"uri":"file:///nowhere/big.bind"},"position":{"line":).$n.q(,"character":14}}}));
    # 70 MB: over the limit, skipped as it streams, refused with its id.
    msg(q({"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"pad":").("z" x 70_000_000).q("}}));
    msg(q({"jsonrpc":"2.0","id":4,"method":"shutdown"}));
    msg(q({"jsonrpc":"2.0","method":"exit"}));
    print STDERR "$n\n";
' > "$tmp/big" 2> "$tmp/lines"
lines=$(cat "$tmp/lines")
timeout 120 "$bindc" lsp < "$tmp/big" > "$tmp/out" 2> "$tmp/err"
rc=$?
rm -f "$tmp/big"
unframe < "$tmp/out" > "$tmp/msgs"
[ $rc = 0 ] && ok || bad "50 MB session: exit code $rc"
has "50 MB document checked" "$tmp/msgs" "\"range\":{\"start\":{\"line\":$lines,\"character\":18},\"end\":{\"line\":$lines,\"character\":23}},\"severity\":1,\"code\":\"E0102\""
has "50 MB request answered" "$tmp/msgs" '"id":2,"result":{"contents"'
has "70 MB request refused with its id" "$tmp/msgs" '"id":3,"error":{"code":-32600,"message":"message too large'
has "the user is told" "$tmp/msgs" '"method":"window/showMessage"'
has "serving after it" "$tmp/msgs" '"id":4,"result":null'
has "oversized message logged" "$tmp/err" "over the 67108864-byte limit"

# ---- a Content-Length far over the limit swallows nothing after it ---------------
# 2 GB, 2^63: the message under the lie and every one after it are served,
# and shutdown then exit still end the server with 0.
for len in 2000000000 9223372036854775808; do
    {
        printf '%s\n' "$init" | frame
        printf 'Content-Length: %s\r\n\r\n%s' "$len" '{"jsonrpc":"2.0","id":7,"method":"$/x"}'
        printf '%s\n' '{"jsonrpc":"2.0","id":8,"method":"$/y"}' "$shutdown" "$exit_" | frame
    } > "$tmp/in"
    timeout 30 "$bindc" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    unframe < "$tmp/out" > "$tmp/msgs"
    [ $rc = 0 ] && ok || bad "Content-Length $len: exit code $rc, want 0"
    has "Content-Length $len: the message under it answered" "$tmp/msgs" '"id":7,"error":{"code":-32601'
    has "Content-Length $len: the next message answered" "$tmp/msgs" '"id":8,"error":{"code":-32601'
    has "Content-Length $len: logged" "$tmp/err" "over the 67108864-byte limit"
done
# ... and when the lie is the last thing sent, the message under it is
# answered once the input pauses.
{
    printf '%s\n' "$init" | frame
    printf 'Content-Length: 2000000000\r\n\r\n%s' '{"jsonrpc":"2.0","id":9,"method":"$/x"}'
    sleep 2
    printf '%s\n%s\n' "$shutdown" "$exit_" | frame
} | timeout 30 "$bindc" lsp > "$tmp/out" 2> "$tmp/err"
rc=$?
unframe < "$tmp/out" > "$tmp/msgs"
[ $rc = 0 ] && ok || bad "Content-Length 2000000000 then a pause: exit code $rc, want 0"
has "Content-Length 2000000000 then a pause: answered" "$tmp/msgs" '"id":9,"error":{"code":-32601'

# ---- a Content-Length that promises too much, then a pause -----------------------
body='{"jsonrpc":"2.0","id":5,"method":"$/x"}'
{
    printf '%s\n' "$init" | frame
    printf 'Content-Length: %d\r\n\r\n%s' $(( ${#body} + 10 )) "$body"
    sleep 2
    printf '%s\n%s\n' "$shutdown" "$exit_" | frame
} | timeout 30 "$bindc" lsp > "$tmp/out" 2> "$tmp/err"
unframe < "$tmp/out" > "$tmp/msgs"
has "stalled message answered" "$tmp/msgs" '"id":5,"error":{"code":-32601'
has "then served on" "$tmp/msgs" '"id":99,"result":null'
has "stall logged" "$tmp/err" "promised more bytes than came"

# ---- a `use` of a FIFO never blocks the server -------------------------------------
# open() of a FIFO waits for a writer: the server must refuse it (a
# diagnostic on the use line) and go on answering, never block in it.
mkdir "$tmp/fifo"
mkfifo "$tmp/fifo/pipe.bind"
fifo_uri="file://$tmp/fifo/a.bind"
{
    printf '%s\n' "$init" | frame
    printf '%s\n' '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'"$fifo_uri"'","languageId":"bind","version":1,"text":"use \"pipe.bind\"\nsite a { http *:80:a.example }\n"}}}' \
        '{"jsonrpc":"2.0","id":11,"method":"textDocument/hover","params":{"textDocument":{"uri":"'"$fifo_uri"'"},"position":{"line":1,"character":12}}}' \
        "$shutdown" "$exit_" | frame
} > "$tmp/in"
timeout 20 "$bindc" lsp < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
rc=$?
unframe < "$tmp/out" > "$tmp/msgs"
[ $rc = 0 ] && ok || bad "use of a FIFO: exit code $rc (124: the server blocked), want 0"
has "use of a FIFO: refused with a diagnostic" "$tmp/msgs" 'not a regular file'
has "use of a FIFO: requests answered" "$tmp/msgs" '"id":11,"result":{"contents"'

# ---- the client goes away ----------------------------------------------------------
{
    printf '%s\n' "$init" | frame
    for i in $(seq 1 2000); do printf '{"jsonrpc":"2.0","id":%d,"method":"$/x"}\n' $((i + 10)); done | frame
} > "$tmp/in"
timeout 30 "$bindc" lsp < "$tmp/in" 2> "$tmp/err" | head -c 100 > /dev/null
rc=${PIPESTATUS[0]}
[ "$rc" -lt 128 ] && ok || bad "closed stdout: the server died with signal $((rc - 128))"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
