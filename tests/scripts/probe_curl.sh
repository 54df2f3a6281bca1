# Sourced by the differential tests (test_differential.sh for nginx,
# test_differential_apache.sh): asks the real server every probe with curl.
#
#   curl_all PROBES OUT
#       PROBES holds a probe a line: ID SET-FILE PROTO HOST PORT LOCAL HEADER
#       SNI ... (HOST `@`: the URL names the local address; HEADER `-`: the
#       Host is HOST; SNI `=` the Host's, `-` none, else that name).  OUT
#       gets `ID BODY` a line, sorted by ID: the first line of the answer
#       (the sites answer with their names), `-` when it was not a 200.
#   Uses $tmp (a scratch folder) and $jobs (curls at once).

curl_all() {  # PROBES OUT: one curl per set, its transfers in a config file (-K)
    rm -rf "$tmp/bodies" "$tmp/curl"
    mkdir -p "$tmp/bodies" "$tmp/curl"
    awk -v dir="$tmp" '
        function lit(a) { return a ~ /:/ ? "[" a "]" : a }
        {
            id = $1; f = $2; proto = $3; host = $4; port = $5; local = $6; hdr = $7; sni = $8
            if (!(f in cfg)) { cfg[f] = dir "/curl/" (++n) ".cfg"; first[f] = 1 }
            c = cfg[f]
            if (!first[f]) print "next" > c
            first[f] = 0
            # A connection of its own: the TLS handshake (and the choice Apache
            # makes of address-based hosts) is per connection.
            print "silent\ninsecure\nfresh-connect\nmax-time = 5" > c
            print "output = \"" dir "/bodies/" id "\"" > c
            print "write-out = \"" id " %{http_code}\\n\"" > c
            name = hdr != "-" ? hdr : host
            if (host == "@") print "url = \"" proto "://" lit(local) ":" port "/\"" > c
            else if (sni == "-") {
                # An address in the URL: curl sends no SNI.
                print "header = \"Host: " name "\"" > c
                print "url = \"" proto "://" lit(local) ":" port "/\"" > c
            } else {
                via = sni == "=" ? host : sni
                print "connect-to = \"" via ":" port ":" lit(local) ":" port "\"" > c
                if (hdr != "-" || via != host) print "header = \"Host: " name "\"" > c
                print "url = \"" proto "://" via ":" port "/\"" > c
            }
        }' "$1"
    ls "$tmp"/curl/*.cfg | xargs -P "$jobs" -n 1 curl -K > "$tmp/curl.out" 2> /dev/null
    while read -r id code; do
        if [ "$code" = 200 ] && [ -f "$tmp/bodies/$id" ]; then read -r body < "$tmp/bodies/$id"; echo "$id $body"
        else echo "$id -"; fi
    done < "$tmp/curl.out" | sort -n > "$2"
}
