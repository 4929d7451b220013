// Package pydeps tells which Python packages an app installs, from the files
// picked out of its slug or checkout: requirements files (with their -r and
// -c includes), Pipfile and Pipfile.lock, pyproject.toml, poetry.lock and
// uv.lock. It never does I/O: it reads the audit.Files.Entries map.
//
// # Which files count
//
// The Python buildpack installs with exactly one package manager, chosen by
// the first of these files present at the app root: Pipfile.lock (Pipenv),
// requirements.txt (pip), poetry.lock (Poetry), uv.lock (uv). Current
// buildpack releases refuse to build when several are present; older ones used
// the first. Collect reads every file anyway, records the manager in
// Set.Manager, and uses it to decide what is installed:
//
//   - Has and Lookup answer "does the app use this package": any main
//     requirement in any file read, or any main package of a lock file.
//     Optional extras and dev-only lock entries do not count.
//   - Unpinned answers "what can change under the app at the next build": it
//     is empty when the manager installs from a lock file (Set.Locked), and
//     otherwise lists the requirements that manager reads (for pip, the
//     requirements tree, plus pyproject.toml's dependencies when the tree
//     installs the app itself with "." or "-e ."), with no exact pin in any
//     requirement or constraint of the same name.
//
// # Direct references
//
// A requirement given as a URL or path (name @ url, git+https://..., -e .,
// ./wheels/x.whl) has Requirement.URL set. It counts as pinned when what it
// fetches cannot change without a change to the app:
//
//   - a local path (., ./lib, file:...) ships with the app, so it is pinned;
//   - a VCS URL is pinned when its @ref is a commit hash (7 to 64 hex digits),
//     a Subversion revision number, or a release tag such as v1.2.3 (tags
//     rarely move); a branch (@main, @develop) or no ref is not pinned;
//   - an archive URL is pinned when it carries a hash fragment (#sha256=...),
//     names a wheel, or names an archive whose file name holds a version or a
//     commit hash (pkg-1.2.3.tar.gz, v1.2.3.zip); master.zip is not pinned.
//
// Requirement.Version is set for a direct reference only when a wheel or
// sdist file name gives it. A name missing from the reference (no #egg=) is
// taken from the wheel or sdist file name, or from the repository name of a
// VCS or GitHub archive URL, and is otherwise empty.
//
// Credentials embedded in URLs (https://user:token@host/...) are masked in
// Raw and in Problems: both may be shown to users.
package pydeps
