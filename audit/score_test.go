package audit

import "testing"

func TestScore(t *testing.T) {
	f := func(sev Severity, st Status) Finding { return Finding{Severity: sev, Status: st} }
	tests := []struct {
		name      string
		findings  []Finding
		wantScore int
		wantGrade string
	}{
		{"nothing scorable", nil, 100, "A"},
		{"all pass", []Finding{f(Critical, Pass), f(High, Pass), f(Low, Pass)}, 100, "A"},
		{"skips and errors count neither way", []Finding{f(High, Pass), f(Critical, Skip), f(Critical, Error)}, 100, "A"},
		{"info weighs nothing", []Finding{f(Medium, Pass), f(Info, Fail)}, 100, "A"},
		{"warn earns half", []Finding{f(Medium, Warn), f(Medium, Pass)}, 75, "C"},
		// earned 10+6+1.5 of 10+6+3+1 = 17.5/20 = 87.5 -> 88 (rounds half away from zero)
		{"rounding", []Finding{f(Critical, Pass), f(High, Pass), f(Medium, Warn), f(Low, Fail)}, 88, "B"},
		{"critical fail caps at F", []Finding{f(Critical, Fail), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass), f(High, Pass)}, 90, "F"},
		{"high fail caps an A at C", []Finding{f(High, Fail), f(Critical, Pass), f(Critical, Pass), f(Critical, Pass), f(Critical, Pass), f(Critical, Pass), f(Critical, Pass)}, 91, "C"},
		{"high fail leaves a D alone", []Finding{f(High, Fail), f(Critical, Pass)}, 63, "D"},
		{"grade boundaries B", []Finding{f(Medium, Pass), f(Medium, Pass), f(Medium, Pass), f(Medium, Pass), f(Low, Fail)}, 92, "A"},
		{"all fail", []Finding{f(Medium, Fail), f(Low, Fail)}, 0, "F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, grade := Score(tt.findings)
			if score != tt.wantScore || grade != tt.wantGrade {
				t.Errorf("Score() = %d %s, want %d %s", score, grade, tt.wantScore, tt.wantGrade)
			}
		})
	}
}

func TestGradeFor(t *testing.T) {
	for _, tt := range []struct {
		score int
		want  string
	}{{100, "A"}, {90, "A"}, {89, "B"}, {80, "B"}, {79, "C"}, {70, "C"}, {69, "D"}, {60, "D"}, {59, "F"}, {0, "F"}} {
		if got := gradeFor(tt.score); got != tt.want {
			t.Errorf("gradeFor(%d) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for _, name := range SeverityNames() {
		s, err := ParseSeverity(" " + name + " ")
		if err != nil || s.String() != name {
			t.Errorf("ParseSeverity(%q) = %v, %v", name, s, err)
		}
	}
	if _, err := ParseSeverity("HIGH"); err != nil {
		t.Errorf("ParseSeverity is case-insensitive: %v", err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) should fail")
	}
}
