# Sourced by the Apache tests (test_apache_real.sh, test_differential_apache.sh):
# Debian's apache2 run as an ordinary program in a temporary folder.
#
#   apache_main_conf DIR INCLUDE... > DIR/httpd.conf
#       a main configuration that Includes the files the apache target wrote
#   apache_start DIR    runs `apache2 -X -f DIR/httpd.conf` in the background
#                       (one process, no daemon); true once it listens (its
#                       pid file is written after the Listen sockets are
#                       bound), false when it exits or takes over 20 s
#   apache_stop DIR     stops it and waits for it
#
# Debian's binary has no built-in MPM (load one), writes its pid file to
# /run and its logs under /var/log unless told otherwise (PidFile,
# DefaultRuntimeDir, ErrorLog), and takes -f as given (an absolute path).
# -X keeps Apache in one process (no User switch to children).  The including
# configuration holds no Listen and no <VirtualHost> of its own, as the
# target's header asks; DIR/www is the one folder it grants.
apache2=${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}
apache_modules=/usr/lib/apache2/modules
# Apache runs as an unprivileged process: as root (CI), as uid 65534 with
# setpriv, its folder given to that user first.
apache_as=()
[ "$(id -u)" = 0 ] && apache_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)

apache_main_conf() {
    local dir=$1 f m
    shift
    mkdir -p "$dir/run" "$dir/www"
    echo "ServerRoot \"$dir\""
    echo "PidFile \"$dir/run/httpd.pid\""
    echo "DefaultRuntimeDir \"$dir/run\""
    echo "ErrorLog \"$dir/error.log\""
    echo "LogLevel warn"
    echo "ServerName main.invalid"
    for m in mpm_event authz_core dir mime alias ssl socache_shmcb proxy proxy_http; do
        echo "LoadModule ${m}_module $apache_modules/mod_$m.so"
    done
    echo "TypesConfig /etc/mime.types"
    echo "SSLSessionCache \"shmcb:$dir/run/ssl_scache(512000)\""
    echo "DocumentRoot \"$dir/www\""
    echo "<Directory \"$dir/www\">"
    echo "    Require all granted"
    echo "</Directory>"
    for f in "$@"; do echo "Include \"$f\""; done
}

apache_start() {
    local dir=$1 i
    mkdir -p "$dir/run" "$dir/www"
    rm -f "$dir/run/httpd.pid" "$dir/error.log"
    if [ ${#apache_as[@]} -gt 0 ]; then
        chmod 755 "$dir" && chown -R 65534:65534 "$dir" || { echo "cannot give $dir to uid 65534"; return 1; }
    fi
    "${apache_as[@]}" "$apache2" -X -f "$dir/httpd.conf" > "$dir/apache.out" 2>&1 &
    echo $! > "$dir/run/apache.child"
    for i in $(seq 400); do
        [ -s "$dir/run/httpd.pid" ] && return 0
        kill -0 "$(cat "$dir/run/apache.child")" 2> /dev/null || break
        sleep 0.05
    done
    cat "$dir/apache.out" "$dir/error.log" 2> /dev/null
    apache_stop "$dir"
    return 1
}

apache_stop() {
    local dir=$1 pid i
    [ -f "$dir/run/apache.child" ] || return 0
    pid=$(cat "$dir/run/apache.child")
    kill "$pid" 2> /dev/null
    for i in $(seq 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    rm -f "$dir/run/apache.child" "$dir/run/httpd.pid"
}
