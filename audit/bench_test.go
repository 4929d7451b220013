package audit

import (
	"fmt"
	"testing"
)

// BenchmarkAudit runs the whole catalog over one app with a realistic
// source tree (200 Python modules, 40 templates): the per-app cost once the
// snapshot is collected, parsing and scanning included.
func BenchmarkAudit(b *testing.B) {
	files := map[string][]byte{
		"Procfile":         []byte("web: python manage.py migrate && newrelic-admin run-program gunicorn -c gunicorn.conf.py app:app; true\n"),
		"gunicorn.conf.py": []byte("import os\nworkers = int(os.environ.get('WEB_CONCURRENCY', 2))\ntimeout = 20\n"),
		".python-version":  []byte("3.13\n"),
		"requirements.txt": []byte("flask==3.1.0\ngunicorn==23.0.0\nflask-wtf==1.2.1\npsycopg[binary]==3.2.3\n"),
	}
	for i := range 200 {
		files[fmt.Sprintf("app/mod%03d.py", i)] = []byte(fmt.Sprintf(
			"import os\nfrom flask import Blueprint, render_template\n\nbp = Blueprint('m%d', __name__)\n\n"+
				"@bp.route('/x%d', methods=['GET', 'POST'])\ndef view():\n    return render_template('t.html', n=os.getenv('N'))\n", i, i))
	}
	for i := range 40 {
		files[fmt.Sprintf("templates/t%02d.html", i)] = []byte("<form method=\"post\">{{ form.csrf_token }}<input name=q></form>\n")
	}
	checks := Catalog()
	b.ReportAllocs()
	for b.Loop() {
		s := base()
		s.Files = &Files{Origin: "slug", Entries: files}
		if r := Audit(s, checks); len(r.Findings) != len(checks) {
			b.Fatal("a check is missing")
		}
	}
}
