package main

import (
	"strings"
	"testing"

	"github.com/tracuu/tracuu/index/opensearch"
)

func TestClusterConfig(t *testing.T) {
	for _, k := range []string{opensearch.EnvURL, opensearch.EnvIndex, opensearch.EnvUser, opensearch.EnvPassword,
		opensearch.EnvToken, opensearch.EnvTimeout, opensearch.EnvShards, opensearch.EnvReplicas, opensearch.EnvInsecure, opensearch.EnvCAFile} {
		t.Setenv(k, "")
	}
	if c, err := clusterConfig("bleve", ""); c != nil || err != nil {
		t.Errorf("bleve: %+v, %v; want no cluster", c, err)
	}
	for _, tc := range []struct{ backend, url, msg string }{
		{"opensearch", "", "--backend opensearch needs the cluster's address"},
		{"elastic", "", `unknown --backend "elastic"`},
		{"opensearch", "https://u:p@es:9200", "holds a password"},
	} {
		if _, err := clusterConfig(tc.backend, tc.url); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s %q: %v, want %q", tc.backend, tc.url, err, tc.msg)
		}
	}
	t.Setenv(opensearch.EnvURL, "http://env:9200")
	t.Setenv(opensearch.EnvUser, "eval")
	if c, err := clusterConfig("opensearch", ""); err != nil || c.URL != "http://env:9200" || c.User != "eval" {
		t.Errorf("from the environment: %+v, %v", c, err)
	}
	if c, err := clusterConfig("opensearch", "http://flag:9200"); err != nil || c.URL != "http://flag:9200" || c.User != "eval" {
		t.Errorf("flag over the environment: %+v, %v", c, err)
	}
}
