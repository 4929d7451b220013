// Package vulns matches installed Python distributions against OSV advisories
// (https://ossf.github.io/osv-schema/), offline from an OSV PyPI export (the
// zip or a directory of records) or online through OSV's batch API.
//
// Records are decoded into the minimal structs of osv.go rather than the OSV
// project's Go bindings (github.com/ossf/osv-schema/bindings/go). Those
// bindings are protobuf-generated types: decoding OSV JSON with them needs
// google.golang.org/protobuf's protojson, which added about 3.9 MB to a small
// test binary (7.0 MB against 3.1 MB with encoding/json), and the module has
// no tagged release, only pseudo-versions. The fields read here are few and
// stable in the schema, so encoding/json and a dozen struct fields suffice.
// Version order is PEP 440, from audit/pydeps. CVSS v3 base scores are
// computed here (a formula); v4.0 scores come from github.com/pandatix/go-cvss
// (a lookup table of macro vectors; the library osv-scanner uses, no
// dependencies of its own, about 0.1 MB).
package vulns
