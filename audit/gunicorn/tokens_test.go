package gunicorn

import (
	"reflect"
	"testing"
)

// TestConfigLexing pins how the shared tokenizer's lexing reaches the
// config evaluator.
func TestConfigLexing(t *testing.T) {
	src := ConfigFileSource("gunicorn.conf.py")
	tests := []struct {
		name string
		src  string
		want Settings
	}{
		{
			name: "lone CR ends statements; lines count \\n",
			src:  "import os\rworkers = 3\rthreads = 2\nkeepalive = 4\n",
			want: Settings{Workers: cf("3", 1), Threads: cf("2", 1), KeepAlive: cf("4", 2)},
		},
		{
			name: "CRLF continuation inside a string",
			src:  "bind = \"a\\\r\nb\"\r\nworkers = 2\r\n",
			want: Settings{Bind: cf("ab", 1), Workers: cf("2", 3)},
		},
		{
			name: "3.12 f-string with nested quotes",
			src:  "bind = f\"0.0.0.0:{os.environ[\"PORT\"]}\"\nworkers = 3\n",
			want: Settings{
				Bind:    Value{Raw: `f"0.0.0.0:{os.environ["PORT"]}"`, Source: src, Line: 1, Expr: true, Env: "PORT"},
				Workers: cf("3", 2),
			},
		},
		{
			name: "escapes",
			src:  "loglevel = '\\x41\\101\\u00e9\\t'\n",
			want: Settings{LogLevel: cf("AAé\t", 1)},
		},
		{
			name: "unterminated string skips its statement only",
			src:  "bind = 'x\nworkers = 4\n",
			want: Settings{Workers: cf("4", 2)},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConfigFile([]byte(tc.src), "gunicorn.conf.py")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
