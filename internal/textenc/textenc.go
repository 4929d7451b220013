// Package textenc decodes the small text files apps deploy (Procfile,
// requirements files) the way Windows editors and PowerShell leave them:
// with a UTF-8 byte order mark, or as UTF-16 with one.
package textenc

import (
	"bytes"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Encodings, as Detect reports them.
const (
	UTF8    = "utf-8"
	UTF8BOM = "utf-8 with BOM"
	UTF16LE = "utf-16le"
	UTF16BE = "utf-16be"
)

// Detect reports how data is encoded, judging by its byte order mark.
func Detect(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return UTF16BE
	}
	return UTF8
}

// Decode returns data as text: the byte order mark dropped, UTF-16 decoded,
// invalid UTF-8 replaced with U+FFFD. valid is false when bytes had to be
// replaced, so callers can say the file is damaged without losing it.
func Decode(data []byte) (text string, valid bool) {
	switch Detect(data) {
	case UTF8BOM:
		data = data[3:]
	case UTF16LE:
		return decodeUTF16(data[2:], false), true
	case UTF16BE:
		return decodeUTF16(data[2:], true), true
	}
	if !utf8.Valid(data) {
		return strings.ToValidUTF8(string(data), "\uFFFD"), false
	}
	return string(data), true
}

// decodeUTF16 decodes UTF-16 without its BOM. A dangling odd byte at the end
// (a truncated file) is dropped; unpaired surrogates become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	return string(utf16.Decode(u))
}
