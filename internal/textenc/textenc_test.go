package textenc

import (
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name  string
		data  []byte
		enc   string
		text  string
		valid bool
	}{
		{"plain", []byte("web: gunicorn app:app\n"), UTF8, "web: gunicorn app:app\n", true},
		{"empty", nil, UTF8, "", true},
		{"bom", []byte("\xEF\xBB\xBFflask==3.1\r\n"), UTF8BOM, "flask==3.1\r\n", true},
		{"utf-16le from PowerShell", utf16Bytes("flask==3.1\r\né\n", false), UTF16LE, "flask==3.1\r\né\n", true},
		{"utf-16be", utf16Bytes("web: x", true), UTF16BE, "web: x", true},
		{"utf-16 with a dangling byte", append(utf16Bytes("ab", false), 'c'), UTF16LE, "ab", true},
		{"invalid utf-8 replaced", []byte("a\xffb"), UTF8, "a\uFFFDb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.data); got != tt.enc {
				t.Errorf("Detect = %q, want %q", got, tt.enc)
			}
			text, valid := Decode(tt.data)
			if text != tt.text || valid != tt.valid {
				t.Errorf("Decode = %q, %v; want %q, %v", text, valid, tt.text, tt.valid)
			}
		})
	}
}
