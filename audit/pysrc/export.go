package pysrc

// IsTemplate reports whether Scan reads p as a Jinja template, so callers
// can tell which skipped files the scan missed.
func IsTemplate(p string) bool { return isTemplate(cleanPath(p)) }
