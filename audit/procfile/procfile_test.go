package procfile

import (
	"errors"
	"reflect"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 0, 2+2*len(u))
	if bigEndian {
		out = append(out, 0xFE, 0xFF)
	} else {
		out = append(out, 0xFF, 0xFE)
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		want    []Entry
		ignored []int
	}{
		{
			name: "simple",
			data: []byte("web: gunicorn app:app\nworker: rq worker\n"),
			want: []Entry{{"web", "gunicorn app:app", 1}, {"worker", "rq worker", 2}},
		},
		{
			name: "CRLF line endings",
			data: []byte("web: gunicorn app:app\r\nworker: python worker.py\r\n"),
			want: []Entry{{"web", "gunicorn app:app", 1}, {"worker", "python worker.py", 2}},
		},
		{
			name: "UTF-8 BOM",
			data: []byte("\xEF\xBB\xBFweb: gunicorn app:app\n"),
			want: []Entry{{"web", "gunicorn app:app", 1}},
		},
		{
			name: "UTF-16LE with BOM and CRLF, no final newline",
			data: utf16Bytes("web: gunicorn project.wsgi\r\nrelease: python manage.py migrate", false),
			want: []Entry{{"web", "gunicorn project.wsgi", 1}, {"release", "python manage.py migrate", 2}},
		},
		{
			name: "UTF-16BE with BOM",
			data: utf16Bytes("web: uvicorn main:app\n", true),
			want: []Entry{{"web", "uvicorn main:app", 1}},
		},
		{
			name: "UTF-16 with one token per line: only the bare type line is not an entry",
			data: utf16Bytes("web:\r\nuvicorn\r\nmain:app\r\n--host=0.0.0.0", false),
			// "main:app" matches the format: a process type "main".
			want:    []Entry{{"main", "app", 3}},
			ignored: []int{1, 2, 4},
		},
		{
			name: "blank lines, comments, commented-out entry",
			data: []byte("\n# a comment\n   # indented comment\n\nweb: gunicorn app:app\n#release: flask db upgrade\n\n"),
			want: []Entry{{"web", "gunicorn app:app", 5}},
		},
		{
			name: "no final newline",
			data: []byte("web: gunicorn wsgi:app"),
			want: []Entry{{"web", "gunicorn wsgi:app", 1}},
		},
		{
			name: "no space after the colon",
			data: []byte("web:gunicorn app:app --log-file=-\n"),
			want: []Entry{{"web", "gunicorn app:app --log-file=-", 1}},
		},
		{
			name: "trailing spaces and tabs are trimmed",
			data: []byte("web: waitress-serve --port=$PORT app:app \t \n"),
			want: []Entry{{"web", "waitress-serve --port=$PORT app:app", 1}},
		},
		{
			name: "tab after the colon",
			data: []byte("web:\tgunicorn app:app\n"),
			want: []Entry{{"web", "gunicorn app:app", 1}},
		},
		{
			name:    "space before the colon is not an entry",
			data:    []byte("release : python manage.py migrate\nweb: gunicorn IMN.wsgi\n"),
			want:    []Entry{{"web", "gunicorn IMN.wsgi", 2}},
			ignored: []int{1},
		},
		{
			name:    "indented entry is not an entry",
			data:    []byte("  web: gunicorn app:app\n"),
			ignored: []int{1},
		},
		{
			name:    "type without a command",
			data:    []byte("web:\nweb:   \n"),
			ignored: []int{1, 2},
		},
		{
			name:    "garbage and wrapped option lines",
			data:    []byte("release: python manage.py migrate\n.listen(process.env.PORT || 5000)\nweb: gunicorn cuby.wsgi\n--log-file-\n"),
			want:    []Entry{{"release", "python manage.py migrate", 1}, {"web", "gunicorn cuby.wsgi", 3}},
			ignored: []int{2, 4},
		},
		{
			name:    "backslash continuation lines are separate lines",
			data:    []byte("web: gunicorn -w 4 \\\n      --access-logfile - \\\n      app:app\n"),
			want:    []Entry{{"web", `gunicorn -w 4 \`, 1}},
			ignored: []int{2, 3},
		},
		{
			name: "hyphens, underscores, digits and capitals in names",
			data: []byte("web-api: gunicorn api:app\nredis_TA_worker: python manage.py TA_worker\nweb1: gunicorn old:app\n"),
			want: []Entry{{"web-api", "gunicorn api:app", 1}, {"redis_TA_worker", "python manage.py TA_worker", 2}, {"web1", "gunicorn old:app", 3}},
		},
		{
			name: "duplicate types are all returned in order",
			data: []byte("web: bin/start-nginx bundle exec unicorn\nweb: gunicorn app:app"),
			want: []Entry{{"web", "bin/start-nginx bundle exec unicorn", 1}, {"web", "gunicorn app:app", 2}},
		},
		{
			name: "colon inside the command",
			data: []byte("web: gunicorn 'app:create_app()' -b 0.0.0.0:$PORT\n"),
			want: []Entry{{"web", "gunicorn 'app:create_app()' -b 0.0.0.0:$PORT", 1}},
		},
		{
			name: "empty file",
			data: nil,
		},
		{
			name: "invalid UTF-8 is replaced, not fatal",
			data: []byte("web: gunicorn app\xff:app\n"),
			want: []Entry{{"web", "gunicorn app\uFFFD:app", 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ignored, err := Parse(tt.data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %#v, want %#v", got, tt.want)
			}
			if !reflect.DeepEqual(ignored, tt.ignored) {
				t.Errorf("ignored = %v, want %v", ignored, tt.ignored)
			}
		})
	}
}

func TestParseBinary(t *testing.T) {
	for _, data := range [][]byte{
		[]byte("web: gunicorn\x00app\n"),
		{0x1f, 0x8b, 0x08, 0x00, 0x00},
	} {
		if _, _, err := Parse(data); !errors.Is(err, ErrBinary) {
			t.Errorf("Parse(%q) error = %v, want ErrBinary", data, err)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	tests := []struct {
		data []byte
		want string
	}{
		{[]byte("web: x"), EncodingUTF8},
		{[]byte("\xEF\xBB\xBFweb: x"), EncodingUTF8BOM},
		{utf16Bytes("web: x", false), EncodingUTF16LE},
		{utf16Bytes("web: x", true), EncodingUTF16BE},
		{nil, EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := DetectEncoding(tt.data); got != tt.want {
				t.Errorf("DetectEncoding = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLines(t *testing.T) {
	got, err := Lines(utf16Bytes("a\r\nb\n\nc", false))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", "", "c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	// A truncated UTF-16 file (odd byte count) loses only the dangling byte.
	odd := append(utf16Bytes("web: x", false), 'y')
	if got, err := Lines(odd); err != nil || !reflect.DeepEqual(got, []string{"web: x"}) {
		t.Errorf("Lines(odd UTF-16) = %q, %v", got, err)
	}
}

func TestFindAndDuplicates(t *testing.T) {
	entries, _, err := Parse([]byte("worker: celery\nweb: bin/start-nginx bundle exec unicorn\nweb: gunicorn app:app\nworker: rq\nclock: python clock.py\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ  string
		want string
		ok   bool
	}{
		{"web", "gunicorn app:app", true}, // the last declaration runs
		{"worker", "rq", true},
		{"clock", "python clock.py", true},
		{"release", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			e, ok := Find(entries, tt.typ)
			if ok != tt.ok || e.Command != tt.want {
				t.Errorf("Find(%q) = %q, %v; want %q, %v", tt.typ, e.Command, ok, tt.want, tt.ok)
			}
		})
	}
	if got, want := Duplicates(entries), []string{"web", "worker"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Duplicates = %v, want %v", got, want)
	}
}
