package pytok

import (
	"reflect"
	"strings"
	"testing"
)

// render shows the tokens of src as "K:text" (N name, # number, S string,
// O op), with "|" between logical lines and a string's flags after it.
func render(src string) []string {
	var out []string
	s := NewScanner([]byte(src))
	for i := 0; ; i++ {
		tok := s.Next()
		if tok == nil {
			return out
		}
		if tok.First && i > 0 {
			out = append(out, "|")
		}
		k := map[Kind]string{Name: "N", Number: "#", String: "S", Op: "O"}[tok.Kind]
		r := k + ":" + src[tok.Start:tok.End]
		for _, f := range []struct {
			f Flags
			s string
		}{{Raw, "r"}, {Bytes, "b"}, {Format, "f"}, {Fields, "{}"}, {Unterminated, "!"}} {
			if tok.Flags&f.f != 0 {
				r += "/" + f.s
			}
		}
		out = append(out, r)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"names ops numbers", "x = a.b(1e-5, 0x1F, 1_000, .5, 5., 1E+3j) ** 2",
			[]string{"N:x", "O:=", "N:a", "O:.", "N:b", "O:(", "#:1e-5", "O:,", "#:0x1F", "O:,", "#:1_000", "O:,", "#:.5", "O:,", "#:5.", "O:,", "#:1E+3j", "O:)", "O:**", "#:2"}},
		{"hex digit e is no exponent", "0x1e+5", []string{"#:0x1e", "O:+", "#:5"}},
		{"multi-char ops", "a **= b; c := d -> e != f == g ... h //= i >> j",
			[]string{"N:a", "O:**=", "N:b", "O:;", "N:c", "O::=", "N:d", "O:->", "N:e", "O:!=", "N:f", "O:==", "N:g", "O:...", "N:h", "O://=", "N:i", "O:>>", "N:j"}},
		{"prefixes", `rb'a' Rb"b" BR'c' u'd' f'e' rf'{x}' t'g' F"h" tr'i'`,
			[]string{`S:rb'a'/r/b`, `S:Rb"b"/r/b`, `S:BR'c'/r/b`, `S:u'd'`, `S:f'e'/f`, `S:rf'{x}'/r/f/{}`, `S:t'g'/f`, `S:F"h"/f`, `S:tr'i'/r/f`}},
		{"not prefixes", `ub'x' bf'y' rr'z' abc'w'`, []string{"N:ub", "S:'x'", "N:bf", "S:'y'", "N:rr", "S:'z'", "N:abc", "S:'w'"}},
		{"non-ASCII names", "café = naïve\xff", []string{"N:café", "O:=", "N:naïve\xff"}},
		{"numbers are ASCII", "1é 2\xff", []string{"#:1", "N:é", "#:2", "N:\xff"}},
		{"comment", "'a' # comment 'b' \"c\"\nd", []string{"S:'a'", "|", "N:d"}},
		{"escaped quote", `'it\'s' x`, []string{`S:'it\'s'`, "N:x"}},
		{"raw string with escaped quote", `r'\'' x`, []string{`S:r'\''/r`, "N:x"}},
		{"f-string nested same quotes", `f"{x["a"]}" + y`, []string{`S:f"{x["a"]}"/f/{}`, "O:+", "N:y"}},
		{"f-string quote in format spec", `f"{x:'>10}" + y`, []string{`S:f"{x:'>10}"/f/{}`, "O:+", "N:y"}},
		{"f-string nested spec field", `f"{x:{w}.{p}f}" y`, []string{`S:f"{x:{w}.{p}f}"/f/{}`, "N:y"}},
		{"f-string doubled braces", `f"{{x}}" y`, []string{`S:f"{{x}}"/f`, "N:y"}},
		{"nested f-strings", `f"{f'{a}'}" b`, []string{`S:f"{f'{a}'}"/f/{}`, "N:b"}},
		{"f-string dict in field", `f"{ {'a': 1}['a'] }" z`, []string{`S:f"{ {'a': 1}['a'] }"/f/{}`, "N:z"}},
		{"f-string named escape", `f"\N{BULLET}" y`, []string{`S:f"\N{BULLET}"/f`, "N:y"}},
		{"f-string field spans lines", "f'''{x # c\n}''' y", []string{"S:f'''{x # c\n}'''/f/{}", "N:y"}},
		{"triple quotes with quotes inside", `"""a "b" ""c"" """ d`, []string{`S:"""a "b" ""c"" """`, "N:d"}},
		{"backslash continuation", "x = 1 + \\\n    2\ny", []string{"N:x", "O:=", "#:1", "O:+", "#:2", "|", "N:y"}},
		{"backslash continuation CRLF", "x = 1 + \\\r\n    2\r\ny", []string{"N:x", "O:=", "#:1", "O:+", "#:2", "|", "N:y"}},
		{"brackets span lines", "f(\n  a,\n  # c\n  b)\ny", []string{"N:f", "O:(", "N:a", "O:,", "N:b", "O:)", "|", "N:y"}},
		{"lone CR ends lines", "a\rb # c\rc", []string{"N:a", "|", "N:b", "|", "N:c"}},
		{"unterminated string ends at line", "x = 'abc\ny", []string{"N:x", "O:=", "S:'abc/!", "|", "N:y"}},
		{"unterminated triple string", "x = '''abc\ny", []string{"N:x", "O:=", "S:'''abc\ny/!"}},
		{"unterminated f-string field", "x = f'{a\ny", []string{"N:x", "O:=", "S:f'{a\ny/f/{}/!"}},
		{"backslash at end of string", `'a\`, []string{`S:'a\/!`}},
		{"stray closer", ") x\ny", []string{"O:)", "N:x", "|", "N:y"}},
		{"stray backslash", "a \\ b", []string{"N:a", "O:\\", "N:b"}},
		{"BOM", "\xEF\xBB\xBFx", []string{"N:x"}},
		{"blank and comment lines", "\n\n  # c\n\t\nx", []string{"N:x"}},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(tc.src); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tokens\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestLines(t *testing.T) {
	type li struct {
		line, indent, margin, ntok int
		broken                     bool
	}
	tests := []struct {
		name string
		src  string
		want []li
	}{
		{"blocks", "class A:\n    x = '''\nmulti\n'''\n\ty = (1,\n2)\n  \\\n  z\n",
			[]li{{1, 0, 0, 3, false}, {2, 4, 4, 3, false}, {5, 8, 1, 7, false}, {8, 2, 2, 1, false}}},
		{"indent of a leading multi-line string", "class A:\n    '''doc\n    more'''\n    x = 1\n",
			[]li{{1, 0, 0, 3, false}, {2, 4, 4, 1, false}, {4, 4, 4, 3, false}}},
		{"tabs to multiples of 8", "  \tx\n\f y\n", []li{{1, 8, 3, 1, false}, {2, 1, 2, 1, false}}},
		{"broken line", "a = 'x\nb = 1\n", []li{{1, 0, 0, 3, true}, {2, 0, 0, 3, false}}},
		{"broken inside brackets", "a = ('x\n, 2)\nb\n", []li{{1, 0, 0, 7, true}, {3, 0, 0, 1, false}}},
		{"BOM is no indentation", "\xEF\xBB\xBFx\n", []li{{1, 0, 0, 1, false}}},
		{"CRLF", "if a:\r\n    b = 1\r\n", []li{{1, 0, 0, 3, false}, {2, 4, 4, 3, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []li
			for _, l := range Lines([]byte(tc.src)) {
				got = append(got, li{l.Line, l.Indent, l.Margin, len(l.Tokens), l.Broken})
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("lines\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestTokenLines(t *testing.T) {
	src := "a = '''x\r\ny''' + \\\nb\rc = f'{d\n}' e\n"
	want := map[string]int{"a": 1, "'''x\r\ny'''": 1, "b": 3, "c": 4, "f'{d\n}'": 4, "e": 5}
	s := NewScanner([]byte(src))
	for {
		tok := s.Next()
		if tok == nil {
			break
		}
		if w, ok := want[src[tok.Start:tok.End]]; ok && tok.Line != w {
			t.Errorf("%q on line %d, want %d", src[tok.Start:tok.End], tok.Line, w)
		}
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name string
		src  string // one string literal
		want string
		ok   bool
	}{
		{"plain", `"abc"`, "abc", true},
		{"escapes", `"\x41\101\u00e9\n\t\\\"\q\a\b\f\v\0"`, "AAé\n\t\\\"\\q\a\b\f\v\x00", true},
		{"raw", `r"\x41\n"`, `\x41\n`, true},
		{"raw keeps escaped quote", `r'\''`, `\'`, true},
		{"bytes", `b"\xec\u00e9\351"`, "\xec\\u00e9\xe9", true},
		{"line continuation", "'a\\\nb'", "ab", true},
		{"line continuation CRLF", "'a\\\r\nb'", "ab", true},
		{"crlf in triple", "'''a\r\nb\rc'''", "a\nb\nc", true},
		{"f without fields", `f"{{x}}"`, "{x}", true},
		{"f with fields", `f"{x}"`, "", false},
		{"short escape", `"\x4"`, "?", true},
		{"big unicode", `"\U0011FFFF"`, "\uFFFD", true},
		{"triple", `'''a'b'''`, "a'b", true},
		{"unterminated", `'abc`, "abc", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.src)
			tok := NewScanner(src).Next()
			if tok == nil || tok.Kind != String || tok.End != len(src) {
				t.Fatalf("not one string token: %q", render(tc.src))
			}
			got, ok := tok.Value(src)
			if ok != tc.ok || got != tc.want {
				t.Errorf("Value = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	if _, ok := (Token{Kind: Name}).Value([]byte("x")); ok {
		t.Errorf("a name has a string value")
	}
}

func TestStringPrefix(t *testing.T) {
	tests := []struct {
		p     string
		flags Flags
		ok    bool
	}{
		{"r", Raw, true}, {"U", 0, true}, {"b", Bytes, true}, {"F", Format, true}, {"t", Format, true},
		{"Rb", Raw | Bytes, true}, {"bR", Raw | Bytes, true}, {"fr", Raw | Format, true}, {"rt", Raw | Format, true},
		{"", 0, false}, {"ur", 0, false}, {"bf", 0, false}, {"rr", 0, false}, {"ff", 0, false}, {"rbf", 0, false}, {"x", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.p, func(t *testing.T) {
			flags, ok := StringPrefix([]byte(tc.p))
			if flags != tc.flags || ok != tc.ok {
				t.Errorf("StringPrefix(%q) = %v, %v; want %v, %v", tc.p, flags, ok, tc.flags, tc.ok)
			}
		})
	}
}

func TestIdent(t *testing.T) {
	for _, c := range []byte("_aZ\x80\xff") {
		if !IsIdentStart(c) || !IsIdentChar(c) {
			t.Errorf("%q should start and continue identifiers", c)
		}
	}
	for _, c := range []byte("09") {
		if IsIdentStart(c) || !IsIdentChar(c) {
			t.Errorf("%q should only continue identifiers", c)
		}
	}
	for _, c := range []byte(" .'\"#(\\\n-") {
		if IsIdentChar(c) {
			t.Errorf("%q is no identifier byte", c)
		}
	}
}

// TestHostile checks that inputs built to nest or to never close still
// tokenize, with every invariant holding.
func TestHostile(t *testing.T) {
	tests := map[string]string{
		"nested f-strings":      strings.Repeat(`f"{`, 20000),
		"nested f-string specs": `f"{x:` + strings.Repeat("{x:", 20000),
		"open brackets":         strings.Repeat("(", 100000),
		"unclosed triple":       `"""` + strings.Repeat("a\n", 50000),
		"quotes":                strings.Repeat(`'"`, 50000),
		"backslashes":           strings.Repeat("\\", 100001),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			checkTokens(t, []byte(src))
		})
	}
}
