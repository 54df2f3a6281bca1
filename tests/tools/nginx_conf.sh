# Sourced by the tests that run a real nginx: the main configuration around
# the file bindc wrote, with every path nginx writes under the test's own
# folder (nginx -p alone leaves the temp paths at their build-time places).
#   nginx_main_conf DIR INCLUDE [WORKER_CONNECTIONS] > DIR/nginx.conf
nginx_main_conf() {
    cat <<EOC
worker_processes 1;
pid $1/nginx.pid;
events { worker_connections ${3:-64}; }
http {
    access_log off;
    client_body_temp_path $1/temp/body;
    proxy_temp_path $1/temp/proxy;
    fastcgi_temp_path $1/temp/fastcgi;
    uwsgi_temp_path $1/temp/uwsgi;
    scgi_temp_path $1/temp/scgi;
    include $2;
}
EOC
}
