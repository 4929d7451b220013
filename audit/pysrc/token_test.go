package pysrc

import (
	"reflect"
	"strings"
	"testing"
)

// toks renders the tokens of src as "K:text" (N name, # number, S string,
// O op), logical lines separated by "|".
func toks(src string) []string {
	t := tokenize([]byte(src), new(tokens))
	var out []string
	for li, l := range t.lines {
		if li > 0 {
			out = append(out, "|")
		}
		for _, tk := range t.toks[l.from:l.to] {
			k := map[tokKind]string{tkName: "N", tkNumber: "#", tkString: "S", tkOp: "O"}[tk.kind]
			out = append(out, k+":"+src[tk.start:tk.end])
		}
	}
	return out
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"names ops numbers", "x = a.b(1e-5, 0x1F, 1_000, .5, 5.) ** 2",
			[]string{"N:x", "O:=", "N:a", "O:.", "N:b", "O:(", "#:1e-5", "O:,", "#:0x1F", "O:,", "#:1_000", "O:,", "#:.5", "O:,", "#:5.", "O:)", "O:**", "#:2"}},
		{"multi-char ops", "a **= b; c := d -> e != f == g", []string{"N:a", "O:**=", "N:b", "O:;", "N:c", "O::=", "N:d", "O:->", "N:e", "O:!=", "N:f", "O:==", "N:g"}},
		{"prefixes", `rb'a' Rb"b" BR'c' u'd' f'e' rf'{x}' t'g' F"h"`,
			[]string{`S:rb'a'`, `S:Rb"b"`, `S:BR'c'`, `S:u'd'`, `S:f'e'`, `S:rf'{x}'`, `S:t'g'`, `S:F"h"`}},
		{"not prefixes", `ub'x' bf'y' rr'z'`, []string{"N:ub", "S:'x'", "N:bf", "S:'y'", "N:rr", "S:'z'"}},
		{"comment", "'a' # comment 'b' \"c\"\nd", []string{"S:'a'", "|", "N:d"}},
		{"escaped quote", `'it\'s' x`, []string{`S:'it\'s'`, "N:x"}},
		{"raw string with escaped quote", `r'\'' x`, []string{`S:r'\''`, "N:x"}},
		{"f-string nested same quotes", `f"{x["a"]}" + y`, []string{`S:f"{x["a"]}"`, "O:+", "N:y"}},
		{"f-string quote in format spec", `f"{x:'>10}" + y`, []string{`S:f"{x:'>10}"`, "O:+", "N:y"}},
		{"f-string nested spec field", `f"{x:{w}.{p}f}" y`, []string{`S:f"{x:{w}.{p}f}"`, "N:y"}},
		{"f-string doubled braces", `f"{{x}}" y`, []string{`S:f"{{x}}"`, "N:y"}},
		{"nested f-strings", `f"{f'{a}'}" b`, []string{`S:f"{f'{a}'}"`, "N:b"}},
		{"f-string dict in field", `f"{ {'a': 1}['a'] }" z`, []string{`S:f"{ {'a': 1}['a'] }"`, "N:z"}},
		{"f-string named escape", `f"\N{BULLET} {x}" y`, []string{`S:f"\N{BULLET} {x}"`, "N:y"}},
		{"f-string comment in field", "f'''{x # c\n}''' y", []string{"S:f'''{x # c\n}'''", "N:y"}},
		{"triple quotes with quotes inside", `"""a "b" ""c"" """ d`, []string{`S:"""a "b" ""c"" """`, "N:d"}},
		{"backslash continuation", "x = 1 + \\\n    2\ny", []string{"N:x", "O:=", "#:1", "O:+", "#:2", "|", "N:y"}},
		{"brackets span lines", "f(\n  a,\n  # c\n  b)\ny", []string{"N:f", "O:(", "N:a", "O:,", "N:b", "O:)", "|", "N:y"}},
		{"unterminated string ends at line", "x = 'abc\ny", []string{"N:x", "O:=", "S:'abc", "|", "N:y"}},
		{"unterminated f-string field", "x = f'{a\ny", []string{"N:x", "O:=", "S:f'{a\ny"}},
		{"stray closer", ") x\ny", []string{"O:)", "N:x", "|", "N:y"}},
		{"stray backslash", "a \\ b", []string{"N:a", "O:\\", "N:b"}},
		{"BOM", "\xEF\xBB\xBFx", []string{"N:x"}},
		{"blank and comment lines", "\n\n  # c\n\t\nx", []string{"N:x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := toks(tc.src); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tokens\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLogicalLines(t *testing.T) {
	src := "class A:\n    x = '''\nmulti\n'''\n\ty = (1,\n2)\n  \\\n  z\n"
	tz := tokenize([]byte(src), new(tokens))
	type li struct{ line, indent int }
	var got []li
	for _, l := range tz.lines {
		got = append(got, li{l.line, l.indent})
	}
	want := []li{{1, 0}, {2, 4}, {5, 8}, {8, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %v, want %v", got, want)
	}
	// Token lines follow multi-line strings.
	for _, tk := range tz.toks {
		if src[tk.start:tk.end] == "y" && tk.line != 5 {
			t.Errorf("y on line %d, want 5", tk.line)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		src   string // one string literal
		want  string
		field bool
	}{
		{"plain", `"abc"`, "abc", false},
		{"escapes", `"\x41\101\u00e9\n\t\\\"\q"`, "AAé\n\t\\\"\\q", false},
		{"raw", `r"\x41\n"`, `\x41\n`, false},
		{"bytes", `b"\xec\u00e9"`, "\xec\\u00e9", false},
		{"line continuation", "'a\\\nb'", "ab", false},
		{"crlf in triple", "'''a\r\nb\rc'''", "a\nb\nc", false},
		{"f without fields", `f"{{x}}"`, "{x}", false},
		{"f with fields", `f"{x}"`, "", true},
		{"short escapes", `"\x4"`, "?", false},
		{"big unicode", `"\U0011FFFF"`, "\uFFFD", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newPyFile("a.py", "a.py", []byte(tc.src))
			if len(f.toks) != 1 || f.toks[0].kind != tkString {
				t.Fatalf("not one string token: %q", toks(tc.src))
			}
			got, ok := f.strValue(0)
			if ok == tc.field {
				t.Fatalf("strValue ok = %v, want %v", ok, !tc.field)
			}
			if got != tc.want {
				t.Errorf("value = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestURLSSLMode(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"postgresql://u@h/db?sslmode=require", "require"},
		{"postgres://h/db?application_name=x&sslmode=verify-full&x=1", "verify-full"},
		{"?sslmode=prefer", "prefer"},
		{"host=h sslmode=disable", "disable"},
		{"sslmode=require", "require"},
		{"please set ?sslmode=require", ""},
		{"postgresql://h/db?xsslmode=require", ""},
		{"postgresql://h/db?sslmode=", ""},
		{"postgresql://h/db?sslmode={mode}", ""},
		{"no mode here", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := urlSSLMode(tc.in)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("urlSSLMode(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", 300)
	got := clip(long)
	if n := len([]rune(got)); n != maxDetail || !strings.HasSuffix(got, "…") {
		t.Errorf("clip: %d runes, suffix %q", n, got[len(got)-3:])
	}
	if clip("a\xffb") != "a\uFFFDb" {
		t.Errorf("clip does not repair UTF-8")
	}
}
