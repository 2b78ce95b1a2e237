package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tracuu/tracuu/index/opensearch"
)

// clearBackendEnv unsets every variable the backend flags read, so that a
// cluster configured for the live suite does not leak into these tests.
func clearBackendEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{envBackend, envStateDir, opensearch.EnvURL, opensearch.EnvIndex, opensearch.EnvUser,
		opensearch.EnvPassword, opensearch.EnvToken, opensearch.EnvCAFile, opensearch.EnvInsecure,
		opensearch.EnvTimeout, opensearch.EnvShards, opensearch.EnvReplicas} {
		t.Setenv(k, "")
	}
}

// resolveArgs parses args as a command with the backend flags would, and
// resolves them against the index directory dir.
func resolveArgs(t *testing.T, write bool, dir string, args ...string) (backend, error) {
	t.Helper()
	fl := newFlags("test", os.Stderr)
	bf := addBackendFlags(fl, write)
	if _, err := parse(fl, args); err != nil {
		return backend{}, err
	}
	return bf.resolve(dir)
}

func TestBackendFlags(t *testing.T) {
	secrets := t.TempDir()
	pw := filepath.Join(secrets, "pw")
	if err := os.WriteFile(pw, []byte("s3cret pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := filepath.Join(secrets, "tok")
	if err := os.WriteFile(tok, []byte("tok-123\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(secrets, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("srv", "tracuu", "index")
	for _, tc := range []struct {
		name  string
		env   map[string]string
		write bool
		args  []string
		check func(t *testing.T, be backend)
		usage string // a usage error holding this
		fail  string // another error holding this
	}{
		{name: "bleve by default", check: func(t *testing.T, be backend) {
			if be.cluster != nil || be.dir != dir {
				t.Errorf("%+v, want Bleve in %s", be, dir)
			}
		}},
		{name: "the environment chooses", env: map[string]string{envBackend: "opensearch", opensearch.EnvURL: "http://es:9200", opensearch.EnvIndex: "news"},
			check: func(t *testing.T, be backend) {
				if be.cluster == nil || be.cluster.URL != "http://es:9200" || be.cluster.Index != "news" {
					t.Errorf("%+v", be.cluster)
				}
			}},
		{name: "flags override the environment",
			env: map[string]string{envBackend: "bleve", opensearch.EnvURL: "http://env:9200", opensearch.EnvIndex: "envindex",
				opensearch.EnvUser: "envuser", opensearch.EnvPassword: "envpw", opensearch.EnvTimeout: "5s", opensearch.EnvInsecure: "true"},
			args: []string{"--backend", "opensearch", "--opensearch-url", "https://flag:9200", "--opensearch-index", "flagindex",
				"--opensearch-user", "flaguser", "--opensearch-password-file", pw, "--opensearch-timeout", "1m", "--opensearch-insecure=false",
				"--opensearch-ca", "/etc/ca.pem"},
			check: func(t *testing.T, be backend) {
				c := be.cluster
				if c == nil || c.URL != "https://flag:9200" || c.Index != "flagindex" || c.User != "flaguser" || c.Password != "s3cret pass" ||
					c.Timeout != time.Minute || c.Insecure || c.CAFile != "/etc/ca.pem" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "the environment where no flag is given",
			env:  map[string]string{opensearch.EnvURL: "http://env:9200", opensearch.EnvUser: "envuser", opensearch.EnvPassword: "envpw"},
			args: []string{"--backend", "opensearch", "--opensearch-token-file", tok},
			check: func(t *testing.T, be backend) {
				c := be.cluster
				if c == nil || c.URL != "http://env:9200" || c.User != "envuser" || c.Password != "envpw" || c.Token != "tok-123" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "a password in the environment's URL is fine",
			env:  map[string]string{opensearch.EnvURL: "https://admin:pw@es:9200"},
			args: []string{"--backend", "opensearch"},
			check: func(t *testing.T, be backend) {
				if be.cluster == nil || be.cluster.URL != "https://admin:pw@es:9200" || strings.Contains(be.where(), "pw") {
					t.Errorf("%+v, where %q", be.cluster, be.where())
				}
			}},
		{name: "state beside the index directory", write: true, args: []string{"--backend", "opensearch", "--opensearch-url", "http://es:9200"},
			check: func(t *testing.T, be backend) {
				if want := filepath.Join("srv", "tracuu", "opensearch-state"); be.stateDir != want {
					t.Errorf("state in %s, want %s", be.stateDir, want)
				}
			}},
		{name: "state directory from the environment, then the flag", write: true, env: map[string]string{envStateDir: "/var/env-state"},
			args: []string{"--backend", "opensearch", "--opensearch-url", "http://es:9200", "--opensearch-state-dir", "/var/flag-state"},
			check: func(t *testing.T, be backend) {
				if be.stateDir != "/var/flag-state" {
					t.Errorf("state in %s", be.stateDir)
				}
			}},
		{name: "shards and replicas", write: true, env: map[string]string{opensearch.EnvShards: "3", opensearch.EnvReplicas: "2"},
			args: []string{"--backend", "opensearch", "--opensearch-url", "http://es:9200", "--opensearch-replicas", "0"},
			check: func(t *testing.T, be backend) {
				if c := be.cluster; c.Shards != 3 || c.Replicas == nil || *c.Replicas != 0 {
					t.Errorf("shards %d, replicas %v", c.Shards, c.Replicas)
				}
			}},
		{name: "no URL", args: []string{"--backend", "opensearch"}, usage: "--backend opensearch needs the cluster's address"},
		{name: "unknown backend", args: []string{"--backend", "elastic"}, usage: `unknown backend "elastic" (from --backend or $TRACUU_BACKEND): want bleve or opensearch`},
		{name: "unknown backend from the environment", env: map[string]string{envBackend: "solr"}, usage: `unknown backend "solr"`},
		{name: "cluster flags without the backend", args: []string{"--opensearch-url", "http://es:9200"}, usage: "--opensearch-url applies to --backend opensearch only"},
		{name: "a password in the URL flag", args: []string{"--backend", "opensearch", "--opensearch-url", "https://admin:pw@es:9200"}, usage: "--opensearch-url holds a password"},
		{name: "not a URL", args: []string{"--backend", "opensearch", "--opensearch-url", "es:9200"}, usage: "must be http(s)://host:port"},
		{name: "bad timeout", args: []string{"--backend", "opensearch", "--opensearch-url", "http://es", "--opensearch-timeout", "0s"}, usage: "--opensearch-timeout must be positive"},
		{name: "bad environment", env: map[string]string{opensearch.EnvTimeout: "soon"}, args: []string{"--backend", "opensearch", "--opensearch-url", "http://es"}, usage: "TRACUU_OPENSEARCH_TIMEOUT"},
		{name: "no shards for readers", args: []string{"--backend", "opensearch", "--opensearch-url", "http://es", "--opensearch-shards", "2"}, usage: "flag provided but not defined"},
		{name: "bad shards", write: true, args: []string{"--backend", "opensearch", "--opensearch-url", "http://es", "--opensearch-shards", "0"}, usage: "--opensearch-shards must be 1 or more"},
		{name: "missing password file", args: []string{"--backend", "opensearch", "--opensearch-url", "http://es", "--opensearch-password-file", filepath.Join(secrets, "none")}, fail: "opensearch password"},
		{name: "empty token file", args: []string{"--backend", "opensearch", "--opensearch-url", "http://es", "--opensearch-token-file", empty}, fail: "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearBackendEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			be, err := resolveArgs(t, tc.write, dir, tc.args...)
			var ue usageError
			switch {
			case tc.usage != "":
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.usage) {
					t.Errorf("error %v, want a usage error holding %q", err, tc.usage)
				}
			case tc.fail != "":
				if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), tc.fail) {
					t.Errorf("error %v, want one holding %q (not a usage error)", err, tc.fail)
				}
			case err != nil:
				t.Fatal(err)
			default:
				tc.check(t, be)
			}
		})
	}
}

// TestBackendFlagsEverywhere: every command that opens the index takes the
// same backend flags, and the writers those of creating an index too.
func TestBackendFlagsEverywhere(t *testing.T) {
	common := []string{"backend", "opensearch-url", "opensearch-index", "opensearch-user", "opensearch-password-file",
		"opensearch-token-file", "opensearch-ca", "opensearch-insecure", "opensearch-timeout"}
	writers := []string{"opensearch-shards", "opensearch-replicas", "opensearch-state-dir"}
	for _, c := range commands {
		fs := flagsOf(c.name)
		if c.name == "extract" {
			if fs.Lookup("backend") != nil {
				t.Error("extract takes --backend, but opens no index")
			}
			continue
		}
		write := c.name == "import" || c.name == "serve" || c.name == "reindex"
		for _, name := range common {
			if fs.Lookup(name) == nil {
				t.Errorf("tracuu %s has no --%s", c.name, name)
			}
		}
		for _, name := range writers {
			if (fs.Lookup(name) != nil) != write {
				t.Errorf("tracuu %s: --%s defined %v, want %v", c.name, name, fs.Lookup(name) != nil, write)
			}
		}
		// No flag takes a secret's value on the command line.
		fs.VisitAll(func(f *flag.Flag) {
			if strings.Contains(f.Name, "password") && !strings.HasSuffix(f.Name, "-file") || strings.HasSuffix(f.Name, "token") {
				t.Errorf("tracuu %s --%s takes a secret as an argument", c.name, f.Name)
			}
		})
	}
}
