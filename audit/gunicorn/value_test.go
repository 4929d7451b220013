package gunicorn

import (
	"reflect"
	"testing"
)

func TestValueInt(t *testing.T) {
	tests := []struct {
		v    Value
		want int
		ok   bool
	}{
		{cl("3"), 3, true},
		{cl(" 12 "), 12, true},
		{cl("+4"), 4, true},
		{cl("-1"), -1, true},
		{cl("1_000"), 1000, true},
		{cl("1__0"), 0, false},
		{cl("_1"), 0, false},
		{cl("3.0"), 0, false},
		{cl("0x10"), 0, false}, // int("0x10") fails in Python too
		{cl("$WEB_CONCURRENCY"), 0, false},
		{cl("+-3"), 0, false},
		{cl(""), 0, false},
		{Value{Raw: "2", Source: SourceDefault, Expr: true}, 0, false},
		{Value{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.v.Raw, func(t *testing.T) {
			got, ok := tt.v.Int()
			if got != tt.want || ok != tt.ok {
				t.Errorf("Int(%q) = %d, %v; want %d, %v", tt.v.Raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValueBool(t *testing.T) {
	tests := []struct {
		v       Value
		val, ok bool
	}{
		{cl("true"), true, true},
		{cl("True"), true, true},
		{cl(" false "), false, true},
		{cl("1"), false, false},
		{Value{}, false, false},
		{Value{Raw: "x == 'true'", Source: SourceDefault, Expr: true}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.v.Raw, func(t *testing.T) {
			val, ok := tt.v.Bool()
			if val != tt.val || ok != tt.ok {
				t.Errorf("Bool(%q) = %v, %v; want %v, %v", tt.v.Raw, val, ok, tt.val, tt.ok)
			}
		})
	}
}

func TestValueItems(t *testing.T) {
	if got, want := cl("0.0.0.0:1, unix:/x,").Items(), []string{"0.0.0.0:1", "unix:/x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Items = %q, want %q", got, want)
	}
	if got := (Value{}).Items(); got != nil {
		t.Errorf("Items of unset = %q", got)
	}
}

func TestValueString(t *testing.T) {
	src := ConfigFileSource("gunicorn.conf.py")
	tests := []struct {
		v    Value
		want string
	}{
		{Value{}, "unset"},
		{cl("3"), "3 (from command line)"},
		{Value{Raw: "4", Source: SourceWebConcurrency}, "4 (from WEB_CONCURRENCY)"},
		{Value{Raw: "1", Source: SourceDefault}, "1 (from default)"},
		{
			Value{Raw: "4", Source: src, Line: 2, Env: "WEB_CONCURRENCY", Default: "2", HasDefault: true, Text: "int(...)"},
			"4 (from config file gunicorn.conf.py line 2, via WEB_CONCURRENCY)",
		},
		{
			Value{Raw: `int(os.environ.get("WEB_CONCURRENCY", 2))`, Source: src, Line: 2, Env: "WEB_CONCURRENCY", Default: "2", HasDefault: true},
			`int(os.environ.get("WEB_CONCURRENCY", 2)) (from config file gunicorn.conf.py line 2, reads WEB_CONCURRENCY, default 2)`,
		},
		{
			Value{Raw: "multiprocessing.cpu_count() * 2 + 1", Source: src, Line: 3, Expr: true},
			"multiprocessing.cpu_count() * 2 + 1 (expression, from config file gunicorn.conf.py line 3)",
		},
		{Value{Raw: "0.0.0.0:$PORT", Source: SourcePort, Env: "PORT"}, "0.0.0.0:$PORT (from PORT)"},
		{Value{Source: src, Line: 1}, "None (from config file gunicorn.conf.py line 1)"},
		{cl(""), `"" (from command line)`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.v.String(); got != tt.want {
				t.Errorf("String = %q, want %q", got, tt.want)
			}
		})
	}
}
