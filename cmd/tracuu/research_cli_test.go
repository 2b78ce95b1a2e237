package main

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The research commands answer from the terminal what the API answers,
// and a bad query or flag is a usage error (exit 2).
func TestResearchCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	importSample(t, dir)

	out, errOut, code := tracuu(t, "trends", "--index", dir, "--json", "--interval", "year", "dan chu", "quy chế")
	var tr trendsAnswer
	if code != 0 || json.Unmarshal([]byte(out), &tr) != nil || len(tr.Series) != 2 || tr.Interval != "year" {
		t.Fatalf("trends --json: exit %d %s %.300s", code, errOut, out)
	}
	// The server owns the index while it runs: ask it after the commands.
	defer func() {
		base := serve(t, dir)
		_, body := get(t, base, "/api/trends", map[string][]string{"q": {"dan chu", "quy chế"}, "interval": {"year"}})
		var api trendsAnswer
		json.Unmarshal(body, &api)
		if len(api.Series) != 2 || api.Series[0].Total != tr.Series[0].Total || api.Series[1].Total != tr.Series[1].Total || len(api.Buckets) != len(tr.Buckets) {
			t.Errorf("CLI %+v, API %+v", tr.Series, api.Series)
		}
	}()
	out, _, code = tracuu(t, "trends", "--index", dir, "--csv", "--interval", "year", "dan chu")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != len(tr.Buckets)+1 || rows[0][4] != "dan chu" {
		t.Errorf("trends --csv: exit %d %v %q", code, err, out)
	}
	out, _, code = tracuu(t, "trends", "--index", dir, "dan chu")
	if code != 0 || !strings.Contains(out, "dan chu") || !strings.Contains(out, "/10k") {
		t.Errorf("trends table: exit %d %q", code, out)
	}

	out, errOut, code = tracuu(t, "concordance", "--index", dir, "--width", "4", "--csv", "quy che dan chu")
	rows, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) < 6 {
		t.Fatalf("concordance --csv: exit %d %v %s %q", code, err, errOut, out)
	}
	for _, r := range rows[1:] {
		if !strings.EqualFold(r[7], "quy chế dân chủ") {
			t.Errorf("concordance line matches %q", r[7])
		}
	}
	out, _, code = tracuu(t, "concordance", "--index", dir, "quy che dan chu")
	if code != 0 || !strings.Contains(out, "uy chế dân chủ") || !strings.Contains(out, "lines") {
		t.Errorf("concordance: exit %d %q", code, out)
	}
	out, _, code = tracuu(t, "terms", "--index", dir, "--json", "dan chu")
	var terms struct {
		Sample   int `json:"sample"`
		Articles int `json:"articles"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &terms) != nil || terms.Sample != 5 || terms.Articles != 5 {
		t.Errorf("terms --json: exit %d %q", code, out)
	}
	for _, args := range [][]string{
		{"trends", "--index", dir},
		{"trends", "--index", dir, "--interval", "hour", "a"},
		{"concordance", "--index", dir, "d*n"},
		{"concordance", "--index", dir, "site:x"},
		{"terms", "--index", dir},
	} {
		if _, _, code := tracuu(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
