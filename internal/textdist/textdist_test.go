package textdist

import "testing"

func TestNearest(t *testing.T) {
	names := []string{"format", "fail-on", "fail-under", "expires", "reason"}
	for _, tc := range []struct{ typed, want string }{
		{"formt", "format"}, {"fail-onn", "fail-on"}, {"expire", "expires"}, {"reasn", "reason"},
		{"zzzzzz", ""}, {"", ""}, {"format", "format"},
	} {
		if got := Nearest(tc.typed, names); got != tc.want {
			t.Errorf("Nearest(%q) = %q, want %q", tc.typed, got, tc.want)
		}
	}
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance = %d, want 3", d)
	}
}
