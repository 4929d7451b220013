package audit

import (
	"strings"
	"testing"
)

func TestBuildpackName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"heroku/python", "python"},
		{"urn:buildpack:heroku/python", "python"},
		{"https://github.com/heroku/heroku-buildpack-python", "python"},
		{"https://github.com/heroku/heroku-buildpack-python.git#v272", "python"},
		{"https://github.com/heroku/heroku-buildpack-ruby/", "ruby"},
		{"https://buildpack-registry.s3.amazonaws.com/buildpacks/heroku/python.tgz", "python"},
		{"HEROKU/NodeJS", "nodejs"},
		{"heroku-community/apt", "apt"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := buildpackName(tc.in); got != tc.want {
				t.Errorf("buildpackName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	noPython := func(s *Snapshot) {
		s.Files = &Files{Origin: "slug", Entries: map[string][]byte{"Procfile": []byte("web: bundle exec puma\n")}}
	}
	for _, tc := range []struct {
		name    string
		changes []change
		lang    string
		why     string
	}{
		{"the Python buildpack", nil, LangPython, "buildpack heroku/python"},
		{"Ruby by its buildpack", []change{bps("heroku/ruby"), noPython}, "Ruby", "buildpack heroku/ruby"},
		{"Node by its URL, with nginx after it", []change{bps("https://github.com/heroku/heroku-buildpack-nodejs", "heroku-community/nginx"), noPython}, "Node.js", "heroku-buildpack-nodejs"},
		{"Python anywhere in the list wins", []change{bps("heroku/nodejs", "urn:buildpack:heroku/python"), noPython}, LangPython, "urn:buildpack:heroku/python"},
		{"a Node buildpack over a tree with requirements.txt", []change{bps("heroku/nodejs"), file("requirements.txt", "flask\n")}, LangPython, "requirements.txt in the slug"},
		{"Heroku's description, buildpacks not fetched", []change{bps(), noPython, func(s *Snapshot) { s.App.BuildpackDescription = "Ruby/Rack" }}, "Ruby", "Heroku describes it as Ruby/Rack"},
		{"the slug's description", []change{bps(), noPython, func(s *Snapshot) { s.Slug = &Slug{BuildpackDescription: "Node.js"} }}, "Node.js", "Node.js"},
		{"nothing tells", []change{bps("heroku-community/apt"), noPython, web("bin/start")}, "", ""},
		{"the web process runs gunicorn", []change{bps(), noPython}, LangPython, "the web process runs gunicorn"},
		{"the web process runs uvicorn through a launcher", []change{bps(), noPython, web("uvicorn main:app --port $PORT")}, LangPython, "runs uvicorn"},
		{"a checkout with a .python-version", []change{bps(), func(s *Snapshot) { s.Files.Origin = "dir"; *s = *CheckoutSnapshot("co", s.Files) }}, LangPython, ".python-version in the checkout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			for _, c := range tc.changes {
				c(s)
			}
			lang, why := s.language()
			if lang != tc.lang || !strings.Contains(why, tc.why) {
				t.Errorf("language = %q (%q), want %q (%q)", lang, why, tc.lang, tc.why)
			}
		})
	}
}

// TestOtherLanguagesSkipPythonRules: a Ruby app of a mixed team gets no
// Flask verdict, and its platform checks still run.
func TestOtherLanguagesSkipPythonRules(t *testing.T) {
	s := base()
	bps("heroku/ruby")(s)
	s.Files = &Files{Origin: "slug", Entries: map[string][]byte{"Procfile": []byte("web: bundle exec puma -C config/puma.rb\n")}}
	s.Formation[0].Command = "bundle exec puma -C config/puma.rb"
	delete(s.ConfigVars, "SECRET_KEY")
	r := Audit(s, Catalog())
	if r.Language != "Ruby" {
		t.Errorf("Result.Language = %q, want Ruby", r.Language)
	}
	for _, f := range r.Findings {
		c, _ := Lookup(f.Check)
		switch {
		case c.Python && (f.Status != Skip || !strings.HasPrefix(f.Message, "not a Python app: Ruby (buildpack heroku/ruby)")):
			t.Errorf("%s: %s %q, want a skip naming Ruby", f.Check, f.Status, f.Message)
		case !c.Python && strings.HasPrefix(f.Message, "not a Python app"):
			t.Errorf("%s is a platform check and was skipped", f.Check)
		}
	}
	if f := findingFor(r, "stack"); f.Status != Pass {
		t.Errorf("stack = %s %q, want it judged", f.Status, f.Message)
	}
	if r.Grade == "F" {
		t.Errorf("a Ruby app failed: %+v", r)
	}
}

func bps(b ...string) change { return func(s *Snapshot) { s.Buildpacks = b } }

func findingFor(r Result, id string) Finding {
	for _, f := range r.Findings {
		if f.Check == id {
			return f
		}
	}
	return Finding{}
}

// TestUnknownLanguage: an app nothing says is Python (a container image, a
// Fir app in a fleet) gets no Flask verdict either; but when the part that
// could have told failed to come, its checks run and say so.
func TestUnknownLanguage(t *testing.T) {
	container := func(s *Snapshot) {
		s.Buildpacks = nil
		s.SetGap(PartBuildpacks, "not fetched in a fleet audit", false)
		s.Files = nil
		s.SetGap(PartFiles, "no slug: the app deploys a container image", false)
		s.Formation[0].Command = "bin/server"
		delete(s.ConfigVars, "SECRET_KEY")
	}
	s := base()
	container(s)
	r := Audit(s, Catalog())
	if r.Language != "unknown" || r.Grade == "F" {
		t.Errorf("language %q grade %s", r.Language, r.Grade)
	}
	if f := findingFor(r, "secret-key"); f.Status != Skip || !strings.Contains(f.Message, "language not known: nothing says it is a Python app") {
		t.Errorf("secret-key = %s %q", f.Status, f.Message)
	}
	if f := findingFor(r, "stack"); f.Status == Skip && strings.Contains(f.Message, "language") {
		t.Errorf("a platform check was skipped: %q", f.Message)
	}

	s = base()
	container(s)
	s.SetGap(PartFiles, "slug: archive ends early", true)
	r = Audit(s, Catalog())
	if r.Language != "" {
		t.Errorf("a failed slug made the language %q", r.Language)
	}
	if f := findingFor(r, "secret-key"); f.Status != Fail {
		t.Errorf("secret-key = %s %q, want it judged", f.Status, f.Message)
	}
}
