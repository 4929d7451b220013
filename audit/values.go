package audit

import (
	"fmt"
	"strings"
)

// Truthy and falsy follow CHECKS.md: what Flask apps commonly accept.
func isTruthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func isFalsy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "0", "false", "no", "off", "":
		return true
	}
	return false
}

// appFlag is the `-a APP` part of a heroku CLI remediation command.
func (s *Snapshot) appFlag() string {
	// a checkout audited without an app has a name, but no app to name
	if _, noApp := s.Gaps[PartApp]; noApp || s.App.Name == "" {
		return "-a APP"
	}
	return "-a " + s.App.Name
}

// describeValue says what kind of value a config var has without revealing
// it: "a value of 8 characters". Used where the shape matters to the user.
func describeLength(v string) string {
	n := len([]rune(v))
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// filesOrigin names where the files came from, for evidence.
func (s *Snapshot) filesOrigin() string {
	if s.Files == nil {
		return "app's files"
	}
	switch s.Files.Origin {
	case "slug":
		return "slug"
	case "dir":
		return "checkout"
	}
	return s.Files.Origin
}
