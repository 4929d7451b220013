package gunicorn

// optKind is how an option consumes arguments (argparse's action and nargs).
type optKind int

const (
	optValue    optKind = iota // store: takes one value
	optAppend                  // append: takes one value, repeatable, values accumulate
	optTrue                    // store_true: takes no value
	optFalse                   // store_const False: takes no value
	optOptional                // nargs="?": takes a value if one follows
	optExit                    // -h/--help, -v/--version: print and exit
)

// option is one command-line option of gunicorn.
type option struct {
	flags   []string // option strings, e.g. "-w", "--workers"
	setting string   // the setting it sets, as named in a config file
	kind    optKind
	isInt   bool // argparse converts the value with int()
}

// options lists gunicorn's command-line options as of gunicorn 26.1.0
// (2026-08-18), read from gunicorn/config.py: each Setting's cli, action,
// nargs and type. argparse also adds -h/--help and gunicorn adds
// -v/--version. Long options may be abbreviated to any unique prefix
// (gunicorn leaves argparse's allow_abbrev on), so this list must be
// complete for abbreviations to resolve as gunicorn resolves them.
var options = []option{
	{[]string{"-h", "--help"}, "", optExit, false},
	{[]string{"-v", "--version"}, "", optExit, false},
	{[]string{"-c", "--config"}, "config", optValue, false},
	{[]string{"-b", "--bind"}, "bind", optAppend, false},
	{[]string{"--backlog"}, "backlog", optValue, true},
	{[]string{"-w", "--workers"}, "workers", optValue, true},
	{[]string{"-k", "--worker-class"}, "worker_class", optValue, false},
	{[]string{"--threads"}, "threads", optValue, true},
	{[]string{"--worker-connections"}, "worker_connections", optValue, true},
	{[]string{"--max-requests"}, "max_requests", optValue, true},
	{[]string{"--max-requests-jitter"}, "max_requests_jitter", optValue, true},
	{[]string{"-t", "--timeout"}, "timeout", optValue, true},
	{[]string{"--graceful-timeout"}, "graceful_timeout", optValue, true},
	{[]string{"--keep-alive"}, "keepalive", optValue, true},
	{[]string{"--limit-request-line"}, "limit_request_line", optValue, true},
	{[]string{"--limit-request-fields"}, "limit_request_fields", optValue, true},
	{[]string{"--limit-request-field_size"}, "limit_request_field_size", optValue, true},
	{[]string{"--reload"}, "reload", optTrue, false},
	{[]string{"--reload-engine"}, "reload_engine", optValue, false},
	{[]string{"--reload-extra-file"}, "reload_extra_files", optAppend, false},
	{[]string{"--spew"}, "spew", optTrue, false},
	{[]string{"--check-config"}, "check_config", optTrue, false},
	{[]string{"--print-config"}, "print_config", optTrue, false},
	{[]string{"--preload"}, "preload_app", optTrue, false},
	{[]string{"--no-sendfile"}, "sendfile", optFalse, false},
	{[]string{"--reuse-port"}, "reuse_port", optTrue, false},
	{[]string{"--chdir"}, "chdir", optValue, false},
	{[]string{"-D", "--daemon"}, "daemon", optTrue, false},
	{[]string{"-e", "--env"}, "raw_env", optAppend, false},
	{[]string{"-p", "--pid"}, "pidfile", optValue, false},
	{[]string{"--worker-tmp-dir"}, "worker_tmp_dir", optValue, false},
	{[]string{"-u", "--user"}, "user", optValue, false},
	{[]string{"-g", "--group"}, "group", optValue, false},
	{[]string{"-m", "--umask"}, "umask", optValue, true},
	{[]string{"--initgroups"}, "initgroups", optTrue, false},
	{[]string{"--forwarded-allow-ips"}, "forwarded_allow_ips", optValue, false},
	{[]string{"--access-logfile"}, "accesslog", optValue, false},
	{[]string{"--disable-redirect-access-to-syslog"}, "disable_redirect_access_to_syslog", optTrue, false},
	{[]string{"--access-logformat"}, "access_log_format", optValue, false},
	{[]string{"--error-logfile", "--log-file"}, "errorlog", optValue, false},
	{[]string{"--log-level"}, "loglevel", optValue, false},
	{[]string{"--capture-output"}, "capture_output", optTrue, false},
	{[]string{"--logger-class"}, "logger_class", optValue, false},
	{[]string{"--log-config"}, "logconfig", optValue, false},
	{[]string{"--log-config-json"}, "logconfig_json", optValue, false},
	{[]string{"--log-syslog-to"}, "syslog_addr", optValue, false},
	{[]string{"--log-syslog"}, "syslog", optTrue, false},
	{[]string{"--log-syslog-prefix"}, "syslog_prefix", optValue, false},
	{[]string{"--log-syslog-facility"}, "syslog_facility", optValue, false},
	{[]string{"-R", "--enable-stdio-inheritance"}, "enable_stdio_inheritance", optTrue, false},
	{[]string{"--statsd-host"}, "statsd_host", optValue, false},
	{[]string{"--dogstatsd-tags"}, "dogstatsd_tags", optValue, false},
	{[]string{"--statsd-prefix"}, "statsd_prefix", optValue, false},
	{[]string{"--enable-backlog-metric"}, "enable_backlog_metric", optTrue, false},
	{[]string{"-n", "--name"}, "proc_name", optValue, false},
	{[]string{"--pythonpath"}, "pythonpath", optValue, false},
	{[]string{"--paste", "--paster"}, "paste", optValue, false},
	{[]string{"--proxy-protocol"}, "proxy_protocol", optOptional, false},
	{[]string{"--proxy-allow-from"}, "proxy_allow_ips", optValue, false},
	{[]string{"--protocol"}, "protocol", optValue, false},
	{[]string{"--uwsgi-allow-from"}, "uwsgi_allow_ips", optValue, false},
	{[]string{"--keyfile"}, "keyfile", optValue, false},
	{[]string{"--certfile"}, "certfile", optValue, false},
	{[]string{"--ssl-version"}, "ssl_version", optValue, false},
	{[]string{"--cert-reqs"}, "cert_reqs", optValue, false},
	{[]string{"--ca-certs"}, "ca_certs", optValue, false},
	{[]string{"--suppress-ragged-eofs"}, "suppress_ragged_eofs", optTrue, false},
	{[]string{"--do-handshake-on-connect"}, "do_handshake_on_connect", optTrue, false},
	{[]string{"--ciphers"}, "ciphers", optValue, false},
	{[]string{"--http-protocols"}, "http_protocols", optValue, false},
	{[]string{"--http2-cleartext"}, "http2_cleartext", optValue, false},
	{[]string{"--http2-max-concurrent-streams"}, "http2_max_concurrent_streams", optValue, true},
	{[]string{"--http2-initial-window-size"}, "http2_initial_window_size", optValue, true},
	{[]string{"--http2-max-frame-size"}, "http2_max_frame_size", optValue, true},
	{[]string{"--http2-max-header-list-size"}, "http2_max_header_list_size", optValue, true},
	{[]string{"--paste-global"}, "raw_paste_global_conf", optAppend, false},
	{[]string{"--permit-obsolete-folding"}, "permit_obsolete_folding", optTrue, false},
	{[]string{"--strip-header-spaces"}, "strip_header_spaces", optTrue, false},
	{[]string{"--permit-unconventional-http-method"}, "permit_unconventional_http_method", optTrue, false},
	{[]string{"--permit-unconventional-http-version"}, "permit_unconventional_http_version", optTrue, false},
	{[]string{"--casefold-http-method"}, "casefold_http_method", optTrue, false},
	{[]string{"--forwarder-headers"}, "forwarder_headers", optValue, false},
	{[]string{"--header-map"}, "header_map", optValue, false},
	{[]string{"--asgi-loop"}, "asgi_loop", optValue, false},
	{[]string{"--asgi-lifespan"}, "asgi_lifespan", optValue, false},
	{[]string{"--asgi-disconnect-grace-period"}, "asgi_disconnect_grace_period", optValue, true},
	{[]string{"--http-parser"}, "http_parser", optValue, false},
	{[]string{"--root-path"}, "root_path", optValue, false},
	{[]string{"--dirty-app"}, "dirty_apps", optAppend, false},
	{[]string{"--dirty-workers"}, "dirty_workers", optValue, true},
	{[]string{"--dirty-timeout"}, "dirty_timeout", optValue, true},
	{[]string{"--dirty-threads"}, "dirty_threads", optValue, true},
	{[]string{"--dirty-graceful-timeout"}, "dirty_graceful_timeout", optValue, true},
	{[]string{"--control-socket"}, "control_socket", optValue, false},
	{[]string{"--control-socket-mode"}, "control_socket_mode", optValue, true},
	{[]string{"--no-control-socket"}, "control_socket_disable", optTrue, false},
}
