package pydeps

import "testing"

func TestName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Flask_WTF", "flask-wtf"},
		{"flask-wtf", "flask-wtf"},
		{"Flask.WTF", "flask-wtf"},
		{"FLASK__-.wtf", "flask-wtf"},
		{"zope.interface", "zope-interface"},
		{"SQLAlchemy", "sqlalchemy"},
		{"a", "a"},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := Name(tc.in); got != tc.want {
				t.Errorf("Name(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.4.0", "1.3.24", 1},
		{"1.3.24", "1.4", -1},
		{"1.4", "1.4.0", 0},
		{"1.4.0.0", "1.4", 0},
		{"v1.4", "1.4", 0},
		{"2.0.0rc1", "2.0.0", -1},
		{"2.0.0rc1", "2.0.0b2", 1},
		{"2.0.0a1", "2.0.0b1", -1},
		{"2.0.0alpha1", "2.0.0a1", 0},
		{"2.0.0c1", "2.0.0rc1", 0},
		{"2.0.0RC1", "2.0.0rc1", 0},
		{"1.0.dev1", "1.0a1", -1},
		{"1.0a1.dev1", "1.0a1", -1},
		{"1.0a1", "1.0a1.post1", -1},
		{"1.0", "1.0.post1", -1},
		{"1.0.post1.dev1", "1.0.post1", -1},
		{"1.0.post1.dev1", "1.0", 1},
		{"1.0-1", "1.0.post1", 0},
		{"1.0", "1.0+local", -1},
		{"1.0+abc.5", "1.0+abc.10", -1},
		{"1.0+5", "1.0+abc", 1},
		{"1!1.0", "2.0", 1},
		{"10.0", "9.9", 1},
		{"1.10", "1.9", 1},
		{"18446744073709551617.0", "18446744073709551616.0", 1},
		{"0010.0", "10", 0},
		{"2.3.2", "2.3.2", 0},
		// Not PEP 440: compared piecewise, digits as numbers.
		{"1.0-custom", "1.0-custom", 0},
		{"2.x", "10.x", -1},
		{"", "1.0", -1},
	} {
		t.Run(tc.a+"_vs_"+tc.b, func(t *testing.T) {
			if got := CompareVersions(tc.a, tc.b); got != tc.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := CompareVersions(tc.b, tc.a); got != -tc.want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d (antisymmetry)", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}
