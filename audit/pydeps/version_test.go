package pydeps

import "testing"

// TestVersionKey: two PEP 440 versions have the same Key exactly when they
// compare equal, over every pair of a set of spellings.
func TestVersionKey(t *testing.T) {
	vs := []string{
		"1", "1.0", "1.0.0", "v1.0", "01.00", "1.0.1", "1.1", "1.10", "1.01",
		"1.0a1", "1.0alpha1", "1.0.0-a.1", "1.0a", "1.0a0", "1.0b1", "1.0c1", "1.0rc1", "1.0pre1", "1.0preview1",
		"1.0.post1", "1.0-1", "1.0post1", "1.0.rev1", "1.0r1", "1.0.post0", "1.0.post",
		"1.0.dev1", "1.0dev1", "1.0.dev0", "1.0.dev", "1.0a1.dev1", "1.0.post1.dev1",
		"1!1.0", "0!1.0", "2!1.0",
		"1.0+abc", "1.0+ABC", "1.0+1", "1.0+01", "1.0+abc.1", "1.0+abc-1", "1.0+abc_01",
		"2024.10.3", "2024.010.03",
	}
	for _, a := range vs {
		for _, b := range vs {
			pa, pb := ParseVersion(a), ParseVersion(b)
			if pa.Key() == "" || pb.Key() == "" {
				t.Fatalf("%q or %q did not parse", a, b)
			}
			if eq := pa.Compare(pb) == 0; eq != (pa.Key() == pb.Key()) {
				t.Errorf("%q (%s) vs %q (%s): compare equal %v, keys equal %v", a, pa.Key(), b, pb.Key(), eq, !eq)
			}
			if pa.Compare(pb) != CompareVersions(a, b) {
				t.Errorf("%q vs %q: Compare %d, CompareVersions %d", a, b, pa.Compare(pb), CompareVersions(a, b))
			}
		}
	}
	if k := ParseVersion("not a version").Key(); k != "" {
		t.Errorf("key %q", k)
	}
}
