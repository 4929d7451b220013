package procfile

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"web: gunicorn app:app\n",
		"web:gunicorn app:app",
		"\xEF\xBB\xBFweb: gunicorn app:app\r\nworker: rq worker\r\n",
		"\xFF\xFEw\x00e\x00b\x00:\x00 \x00x\x00",
		"\xFE\xFF\x00w\x00e\x00b\x00:\x00 \x00x",
		"# comment\n\nrelease : x\n  web: y\n.listen(process.env.PORT || 5000)\n",
		"web: a \\\n  --b\n",
		"\x00",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, ignored, err := Parse(data)
		if err != nil {
			return
		}
		lines, err := Lines(data)
		if err != nil {
			t.Fatalf("Parse succeeded but Lines failed: %v", err)
		}
		for _, e := range entries {
			if e.Line < 1 || e.Line > len(lines) {
				t.Fatalf("entry line %d out of range 1..%d", e.Line, len(lines))
			}
			if e.Type == "" || e.Command == "" || strings.TrimSpace(e.Command) != e.Command {
				t.Fatalf("bad entry %+v", e)
			}
			if !strings.HasPrefix(lines[e.Line-1], e.Type+":") {
				t.Fatalf("entry %+v does not start line %q", e, lines[e.Line-1])
			}
			if !utf8.ValidString(e.Command) {
				t.Fatalf("command is not valid UTF-8: %q", e.Command)
			}
		}
		for _, n := range ignored {
			if n < 1 || n > len(lines) {
				t.Fatalf("ignored line %d out of range", n)
			}
		}
	})
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"gunicorn -w3 app:app",
		"NEW_RELIC_CONFIG_FILE=newrelic.ini newrelic-admin run-program gunicorn api",
		"cd ekip && python manage.py migrate && waitress-serve --port=$PORT config.wsgi:application",
		"flask db upgrade; flask translate compile; gunicorn microblog:app",
		"sh -c 'gunicorn app:app --reload'",
		`bash -c "exec gunicorn \"app:create_app()\""`,
		"bin/start-nginx gunicorn -c config/gunicorn.py app:app",
		"python -m flask run --debug",
		"env -i A=B exec nice -n 5 ddtrace-run python -m gunicorn.app.wsgiapp x",
		"doppler run --command 'uv run gunicorn x'",
		"uvicorn main:app --host=0.0.0.0 --port=${PORT:-5000}",
		`gunicorn app:create_app\(\) $'a\tb' $(nproc) "$(date)" ~/x`,
		"(cd /app/src && { export A=1; gunicorn x; }) | tee log &",
		"gunicorn app:app --reload; true",
		"gunicorn --reload app:app & sleep infinity",
		"FLASK_DEBUG=1 flask run & gunicorn app:app\necho done",
		"sh -c 'uvicorn app:app --reload || true'",
		"case $X in a) flask run;; *) gunicorn x;; esac",
		"if x; then y; fi; while a; do b; done; for i in 1; do c; done",
		".listen(process.env.PORT || 5000)",
		`gunicorn \`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, command string) {
		inv, err := Analyze(command)
		chain, cerr := AnalyzeChain(command)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("Analyze error %v, AnalyzeChain error %v", err, cerr)
		}
		if err != nil {
			return
		}
		if chain.Main < -1 || chain.Main >= len(chain.Invocations) || (chain.Main == -1) != (len(chain.Invocations) == 0) {
			t.Fatalf("Main = %d with %d invocations", chain.Main, len(chain.Invocations))
		}
		if chain.Main >= 0 {
			if !reflect.DeepEqual(inv.Argv, chain.Invocations[chain.Main].Argv) || len(inv.Prelude) != chain.Main {
				t.Fatalf("Analyze %q and the chain's main %q disagree", inv.Argv, chain.Invocations[chain.Main].Argv)
			}
		}
		for _, c := range chain.Invocations {
			if len(c.Argv) == 0 {
				t.Fatalf("empty invocation in %+v", chain)
			}
			Classify(c.Argv)
		}
		// Classify and the flag helpers must cope with whatever came out.
		Classify(inv.Argv)
		HasFlag(inv.Argv, "--debug", "-d")
		FlagValue(inv.Argv, "--port", "-p")
		for _, p := range inv.Prelude {
			Classify(p)
		}
	})
}
