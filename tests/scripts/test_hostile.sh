#!/usr/bin/env bash
# The hostile-input suite through the bindc command and real readers (the
# in-process half, every field through every target, is
# tests/unit/test_hostile.c; both read tests/hostile/).
#
# - nginx: every value of tests/hostile/values.txt as the site name (in a
#   comment), a certificate's pem and key, a site's root and its proxy URL.
#   Written: a real `nginx -t` accepts it with no warning — for pem and key
#   with the certificate stored under exactly that name, so nginx read the
#   whole value as one path.  Refused: exit 1, a file:line:col error with a
#   code, and nothing written.  Which values nginx must refuse (`$`, control
#   characters, NUL, more than 4094 bytes quoted) is decided here too.
# - iis and json: every value as the site name, read back by xmllint and jq.
# - Refusals of the other targets end to end: exit 1, a diagnostic, no file,
#   and an in-place --merge that leaves the file and makes no .bak.
#
# nginx runs as `nginx -t` only (nothing listens), in a temp dir: one run per
# field over all its cases (each case's listen ports moved to ports of its
# own, so that the cases do not collide), and one per case whose certificate
# name no file can have.  The certificate is a throw-away one.
# Usage: test_hostile.sh BINDC
set -u
bindc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=${BINDC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
data=$src/tests/hostile
nginx=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
shopt -s nullglob dotglob

nginx_fields="SLOT-SITE SLOT-PEM SLOT-KEY SLOT-ROOT SLOT-PROXY"
mkdir "$tmp/c" "$tmp/o" "$tmp/temp"
for f in $nginx_fields; do mkdir "$tmp/ngx-$f"; done

# The cases: $tmp/c/FIELD.N.bind is the template with value N in FIELD, and
# $tmp/cases has a line `FIELD N NGINX IIS JSON UNNAMED` saying which targets
# must accept it (1) or refuse it (0), and whether its certificate file can
# have the name (0) or not (1).  The rules are the targets': no text holds a
# NUL or a control character; a site name has no `/` or `?`; nginx takes no
# `$` and at most 4094 bytes in a quoted string (its configuration buffer is
# 4096 bytes); XML has no U+FFFE or U+FFFF.  $tmp/c/SLOT-SITE.N.value is what
# value N means (raw bytes); $tmp/ngx-FIELD holds the certificate files under
# the names the template and the values give them (relative paths are read
# relative to nginx.conf).
perl -e '
    use strict; use warnings;
    my ($tpl_file, $values_file, $tmp, @fields) = @ARGV;
    open my $t, "<:encoding(UTF-8)", $tpl_file or die; local $/; my $tpl = <$t>; close $t;
    open my $v, "<:encoding(UTF-8)", $values_file or die; my @lines = split /\n/, <$v>; close $v;
    my @values = map { /^\@repeat (\d+) (.*)$/ ? $2 x $1 : $_ } grep { $_ ne "" && !/^# / } @lines;
    my %prefix = ("SLOT-PROXY" => "http://127.0.0.1:9/");
    my %files = ("SLOT-PEM" => "cert.pem", "SLOT-KEY" => "key.pem", "named.pem" => "cert.pem", "named.key" => "key.pem");
    sub put { my ($path, $text) = @_; open my $o, ">:raw", $path or die "$path: $!"; print $o $text; close $o; }
    for my $f (@fields) {
        for (keys %files) { symlink "$tmp/$files{$_}", "$tmp/ngx-$f/$_" or die unless $_ eq $f; }
    }
    open my $cases, ">", "$tmp/cases" or die;
    my $n = 0;
    for my $srcv (@values) {
        $n++;
        (my $val = $srcv) =~ s{\\(?:u\{([0-9A-Fa-f]+)\}|(.))}{
            defined $1 ? chr(hex $1) : $2 eq "n" ? "\n" : $2 eq "t" ? "\t" : $2 }ge;
        utf8::encode($val);                 # the rules count bytes
        my $nul = $val =~ /\x00/;
        put("$tmp/c/SLOT-SITE.$n.value", $val);
        put("$tmp/c/SLOT-SITE.$n.value.nl", "$val\n");     # as xmllint prints it
        for my $f (@fields) {
            (my $bind = $tpl) =~ s/\Q$f\E/$srcv/;
            utf8::encode($bind);
            put("$tmp/c/$f.$n.bind", $bind);
            my $full = ($prefix{$f} // "") . $val;
            my $text = !$nul && $full !~ /[\x00-\x1f\x7f]/;
            $text &&= $full ne "" && $full !~ m{[/?]} if $f eq "SLOT-SITE";
            (my $quoted = $full) =~ s/(["\\])/\\$1/g;
            my $nginx = $text && ($f eq "SLOT-SITE" || ($full !~ /\$/ && length($quoted) <= 4094));
            my $unnamed = 0;
            $unnamed = !symlink("$tmp/$files{$f}", "$tmp/ngx-$f/$val") if $nginx && $files{$f};
            printf $cases "%s %d %d %d %d %d\n", $f, $n, $nginx ? 1 : 0,
                   $text && $full !~ /\xEF\xBF[\xBE\xBF]/ ? 1 : 0, $text ? 1 : 0, $unnamed ? 1 : 0;
        }
    }
' "$data/template.bind" "$data/values.txt" "$tmp" $nginx_fields \
    || { echo "cannot build the cases"; echo "0 passed, 1 failed"; exit 1; }

# What a failure message calls case FIELD N.
label() { printf '%s = value %s (%s)' "$1" "$2" "$(head -c 30 "c/SLOT-SITE.$2.value" | tr -c '[:print:]' '?')"; }

# compile FIELD N TARGET WANT OUT: bindc compile c/FIELD.N.bind.  WANT 1:
# the output in OUT (from stdout: -o would fsync every one).  WANT 0:
# refused: exit 1, an error with a code at FILE:LINE:COL, and nothing
# written to -o.  Returns 0 when as wanted.
cd "$tmp" || exit 1
compile() {
    local field=$1 n=$2 target=$3 want=$4 out=$5 rc
    if [ "$want" = 1 ]; then
        "$bindc" compile "c/$field.$n.bind" --target "$target" > "$out" 2> err
        rc=$?
        [ $rc = 0 ] && [ -s "$out" ] && return 0
        bad "$target $(label "$field" "$n"): refused (exit $rc), but $target can carry it"; cat err; return 1
    fi
    "$bindc" compile "c/$field.$n.bind" --target "$target" -o o/out 2> err
    rc=$?
    local left=(o/*) why=
    if [ $rc != 1 ]; then why="exit $rc, not 1"
    elif ! grep -Eq '^c/[^:]*\.bind:[0-9]+:[0-9]+: error\[E[0-9]{4}\]: ' err; then why="no file:line:col error with a code"
    elif [ ${#left[@]} != 0 ]; then why="a file was written"; rm -f o/*
    else return 0
    fi
    bad "$target $(label "$field" "$n"): must be refused, but $why"; cat err
    return 1
}

# ---- nginx -----------------------------------------------------------------

if [ -x "$nginx" ]; then
    timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
        -days 2 -subj /CN=bindc-hostile > /dev/null 2>&1 || { echo "openssl failed"; echo "0 passed, 1 failed"; exit 1; }
else
    # A missing tool is a failure, not a pass: the suite would claim what
    # it did not check.
    echo "FAIL nginx -t: nginx is not installed (Debian package nginx-light; .ci/install-deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi

# nginx_conf CONF SITES: an nginx.conf that includes SITES (relative paths
# in them are read relative to CONF's folder); every case of a field
# listens on ports of its own, hence the connections.
. "$src/tests/tools/nginx_conf.sh"
nginx_conf() { nginx_main_conf "$tmp" "$2" 4096 > "$1"; }

# nginx_t CONF: nginx -t; its output in $tmp/t.out.
nginx_t() {
    timeout 60 "$nginx" -t -p "$(dirname "$1")" -c "$1" -e "$tmp/error.log" > "$tmp/t.out" 2>&1
}

while read -r field n want_nginx want_iis want_json unnamed; do
    case " $nginx_fields " in *" $field "*) ;; *) continue ;; esac
    out=ngx-$field/raw.$n.conf
    compile "$field" "$n" nginx "$want_nginx" "$out" || continue
    if [ "$want_nginx" = 0 ]; then ok; continue; fi
    if [ "$unnamed" = 1 ]; then
        # No file can have the name: nginx must read the whole value as the
        # file name and fail only to open it.
        mv "$out" "ngx-$field/unnamed.conf"
        nginx_conf "$tmp/ngx-$field/one.conf" "$tmp/ngx-$field/unnamed.conf"
        nginx_t "$tmp/ngx-$field/one.conf"
        grep -q 'cannot load certificate' t.out && ! grep -q 'too long parameter\|unexpected\|invalid' t.out \
            && ok || { bad "nginx $(label "$field" "$n"): nginx -t did not fail only on opening the file"; cat t.out; }
        continue
    fi
    ok
done < cases

for field in $nginx_fields; do
    raws=(ngx-"$field"/raw.*.conf)
    [ ${#raws[@]} -gt 0 ] || { bad "nginx $field: no case to run"; continue; }
    # Each case on ports of its own (80 -> 10000+4N, ...), so that the
    # cases do not collide; nothing else changes.
    perl -pe 'BEGIN { %p = (80 => 0, 8080 => 1, 8443 => 2, 44300 => 3) }
              if ($ARGV ne $f) { $f = $ARGV; ($n) = $f =~ /raw\.(\d+)\.conf$/; print "# case $n\n" }
              s/^(\s*listen (?:\[::\]:)?)(\d+)/$1 . (10000 + 4 * $n + $p{$2})/e' "${raws[@]}" > "ngx-$field/cases.conf"
    nginx_conf "$tmp/ngx-$field/nginx.conf" "$tmp/ngx-$field/cases.conf"
    if nginx_t "$tmp/ngx-$field/nginx.conf" && ! grep -Eq '\[(warn|emerg|alert|crit)\]' t.out; then
        ok
    else
        # nginx names a line of cases.conf: the case is the last marker above it.
        line=$(grep -o 'cases\.conf:[0-9]*' t.out | head -n 1 | cut -d: -f2)
        n=$(head -n "${line:-0}" "ngx-$field/cases.conf" | sed -n 's/^# case //p' | tail -n 1)
        bad "nginx -t on the ${#raws[@]} cases of $field together (ports moved): ${n:+$(label "$field" "$n")}"; cat t.out
    fi
done

# ---- iis and json: the site name read back by xmllint and jq ---------------

while read -r field n want_nginx want_iis want_json unnamed; do
    [ "$field" = SLOT-SITE ] || continue
    if compile "$field" "$n" iis "$want_iis" o/site.xml; then
        if [ "$want_iis" = 1 ]; then
            xmllint --nonet --xpath 'string(//site/@name)' o/site.xml > got 2> xerr \
                && cmp -s got "c/SLOT-SITE.$n.value.nl" && ok \
                || { bad "iis $(label "$field" "$n"): xmllint reads it back differently"; cat xerr; }
        else
            ok
        fi
    fi
    if compile "$field" "$n" json "$want_json" o/model.json; then
        if [ "$want_json" = 1 ]; then
            jq -j '.sites[0].name' o/model.json > got 2> xerr && cmp -s got "c/SLOT-SITE.$n.value" && ok \
                || { bad "json $(label "$field" "$n"): jq reads it back differently"; cat xerr; }
        else
            ok
        fi
    fi
    rm -f o/*
done < cases

# ---- the other targets refuse end to end ------------------------------------

# refuse TARGET SLOT VALUE CODE: VALUE as written inside a .bind string.
refuse() {
    local target=$1 slot=$2 value=$3 code=$4
    SLOT=$slot VALUE=$value perl -pe 's/\Q$ENV{SLOT}\E/$ENV{VALUE}/' "$data/template.bind" > "c/$slot.0.bind"
    printf '%s' "$value" > c/SLOT-SITE.0.value      # for label
    if compile "$slot" 0 "$target" 0 -; then
        grep -q "error\[$code\]" err && ok || { bad "$target refuses $slot = \"${value:0:40}\": not with $code"; cat err; }
    fi
}

for target in iis netsh netsh-revert httpcfg httpcfg-revert nginx json; do
    refuse $target SLOT-SITE 'a\u{0}b' E0002
    refuse $target SLOT-PATH 'a\nb' E0007
    refuse $target SLOT-POOL 'a|b' E0007
done
for target in netsh netsh-revert httpcfg httpcfg-revert; do
    refuse $target SLOT-ACL 'a\"b' E0007
    refuse $target SLOT-DACL 'J\u{FC}rgen' E0007
    refuse $target SLOT-FRIENDLY "$(printf 'a%.0s' $(seq 1 2048))" E0007
done
refuse iis SLOT-SITE '\u{FFFF}' E0007
refuse nginx SLOT-ROOT "$(printf 'a%.0s' $(seq 1 4095))" E0007
refuse nginx SLOT-PROXY '$host' E0007
refuse nginx slot-host 'a&b' E0105

# --merge in place: a refusal leaves the file byte for byte and makes no .bak,
# and stderr holds only diagnostics (libxml2 would complain about U+FFFF
# while writing US-ASCII).
mkdir "$tmp/merge" && cd "$tmp/merge" || exit 1
printf '<?xml version="1.0" encoding="us-ascii"?>\n<configuration>\n  <system.applicationHost>\n    <applicationPools>\n    </applicationPools>\n    <sites>\n    </sites>\n  </system.applicationHost>\n</configuration>\n' > applicationHost.config
cp applicationHost.config original
perl -pe 's/SLOT-SITE/\\u{FFFF}/' "$data/template.bind" > t.bind
"$bindc" compile t.bind --target iis --merge applicationHost.config 2> err
rc=$?
if [ $rc = 1 ] && cmp -s applicationHost.config original && [ ! -e applicationHost.config.bak ] &&
   grep -Eq '^t\.bind:[0-9]+:[0-9]+: error\[E0007\]' err && ! grep -Eqv '^( |t\.bind:|[0-9])' err; then
    ok
else
    bad "iis --merge in place: a refusal changed the file, made a .bak or printed more than diagnostics (exit $rc)"; cat err
fi
cd "$tmp" || exit 1

echo "$pass passed, $fail failed"
[ $fail = 0 ]
