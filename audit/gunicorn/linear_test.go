package gunicorn

import (
	"strings"
	"testing"
	"time"
)

// TestConfigEvaluatorIsLinear parses config files of 400 KB built from one
// construct repeated: chains of operators, subscripts, calls, attributes,
// lists. Each took from seconds to minutes when every step of a chain
// copied the chain's text; linear, each takes well under a second.
func TestConfigEvaluatorIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("parses several 400 KB files")
	}
	const size = 400 << 10
	shapes := map[string]string{
		"int plus":     "workers = 1" + strings.Repeat("+1", size/2),
		"name plus":    "workers = x" + strings.Repeat("+x", size/2),
		"and":          "workers = x" + strings.Repeat(" and x", size/6),
		"or":           "workers = x" + strings.Repeat(" or x", size/5),
		"compare":      "workers = x" + strings.Repeat("<x", size/2),
		"str plus":     `bind = "a"` + strings.Repeat(`+"a"`, size/4),
		"list plus":    `bind = [1]` + strings.Repeat(`+[1]`, size/4),
		"list":         `bind = [` + strings.Repeat(`1,`, size/2) + "]",
		"attribute":    `bind = a` + strings.Repeat(`.b`, size/2),
		"subscript":    `bind = a` + strings.Repeat(`[1]`, size/3),
		"call":         `bind = a` + strings.Repeat(`()`, size/2),
		"env plus":     `bind = os.environ["X"]` + strings.Repeat(`+os.environ["X"]`, size/16),
		"f-string":     `bind = f"` + strings.Repeat(`{x}`, size/3) + `"`,
		"conditional":  "workers = 1" + strings.Repeat(" if x else 1", size/12),
		"continuation": "workers = 1" + strings.Repeat(" \\\n+1", size/5),
		"lines":        strings.Repeat("workers = workers + 1\n", size/22),
	}
	for name, src := range shapes {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			if _, err := ParseConfigFile([]byte(src+"\n"), "gunicorn.conf.py"); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%d bytes took %v", len(src), d)
			}
		})
	}
}

// TestChainText checks that a value built by a chain keeps the text of the
// whole chain, as it did when the text was taken at every step.
func TestChainText(t *testing.T) {
	tests := []struct{ src, want string }{
		{"workers = x + 1 + 2", "x + 1 + 2"},
		{"workers = x and y and z", "x and y and z"},
		{"workers = x or y or z", "x or y or z"},
		{"bind = a.b.c()[0].d", "a.b.c()[0].d"},
		{"bind = os.environ['A'][0]", "os.environ['A'][0]"},
		{"bind = os.environ['A'].strip()", "os.environ['A'].strip()"},
		{"workers = int(os.environ['W'])", "int(os.environ['W'])"},
		{"bind = [x] + [y]", "[x] + [y]"},
		{"workers = os.environ.get('W') or 3", "os.environ.get('W') or 3"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			s, err := ParseConfigFile([]byte("import os\n"+tt.src+"\n"), "gunicorn.conf.py")
			if err != nil {
				t.Fatal(err)
			}
			v := s.Workers
			if strings.HasPrefix(tt.src, "bind") {
				v = s.Bind
			}
			if v.Raw != tt.want {
				t.Errorf("Raw = %q, want %q (%+v)", v.Raw, tt.want, v)
			}
		})
	}
}
