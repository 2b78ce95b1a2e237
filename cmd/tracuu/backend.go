package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracuu/tracuu/index"
	"github.com/tracuu/tracuu/index/bleve"
	"github.com/tracuu/tracuu/index/opensearch"
	"github.com/tracuu/tracuu/internal/ingest"
)

// The engines an index can live in.
const (
	backendBleve      = "bleve"      // embedded, in --index DIR (the default)
	backendOpenSearch = "opensearch" // an OpenSearch or Elasticsearch cluster
)

// Environment variables of the backend flags that index/opensearch does
// not read itself (its own are opensearch.Env*).
const (
	envBackend  = "TRACUU_BACKEND"
	envStateDir = "TRACUU_OPENSEARCH_STATE_DIR"
)

// clusterFlagPrefix leads the name of every flag that applies to the
// cluster backend only; the synopsis names them as one group.
const clusterFlagPrefix = "opensearch-"

// backendFlags are the flags that choose the engine and reach it, the
// same on every command that opens the index: writers (import, serve,
// reindex) also get those that apply when creating an index and the local
// state directory.
//
// Flags override the environment. Passwords and tokens are read from the
// environment or from a file, never from an argument: a command line is
// visible to every user of the machine (ps, /proc).
type backendFlags struct {
	fs                                                *flag.FlagSet
	name                                              *string
	url, index, user, passwordFile, tokenFile, caFile *string
	insecure                                          *bool
	timeout                                           *time.Duration
	shards, replicas                                  *int    // writers only
	stateDir                                          *string // writers only
}

func addBackendFlags(fs *flag.FlagSet, write bool) *backendFlags {
	f := &backendFlags{fs: fs}
	f.name = fs.String("backend", envOr(envBackend, backendBleve), "`NAME` of the engine holding the index: bleve (embedded, in --index DIR) or opensearch (an OpenSearch or Elasticsearch cluster, see the --opensearch-* flags) ($"+envBackend+")")
	f.url = fs.String("opensearch-url", "", "`URL` of a cluster node or load balancer, http(s)://host:port, without a password ($"+opensearch.EnvURL+")")
	f.index = fs.String("opensearch-index", "", "alias `NAME` tracuu reads and writes in the cluster (default "+opensearch.DefaultIndex+"; $"+opensearch.EnvIndex+")")
	f.user = fs.String("opensearch-user", "", "`USER` for basic authentication ($"+opensearch.EnvUser+")")
	f.passwordFile = fs.String("opensearch-password-file", "", "read the basic authentication password from `FILE` instead of $"+opensearch.EnvPassword)
	f.tokenFile = fs.String("opensearch-token-file", "", "read a bearer token from `FILE` instead of $"+opensearch.EnvToken+" (wins over user and password)")
	f.caFile = fs.String("opensearch-ca", "", "PEM `FILE` of certificates to trust besides the system's ($"+opensearch.EnvCAFile+")")
	f.insecure = fs.Bool("opensearch-insecure", false, "skip TLS certificate checks: for a test cluster only ($"+opensearch.EnvInsecure+")")
	f.timeout = fs.Duration("opensearch-timeout", 0, "`DURATION` one request to the cluster may take (default 30s; $"+opensearch.EnvTimeout+")")
	if write {
		f.shards = fs.Int("opensearch-shards", 0, "`N` primary shards of an index tracuu creates (default: the cluster's; $"+opensearch.EnvShards+")")
		f.replicas = fs.Int("opensearch-replicas", 0, "`N` replicas of an index tracuu creates (default: the cluster's; $"+opensearch.EnvReplicas+")")
		f.stateDir = fs.String("opensearch-state-dir", "", "local `DIR` of the import state and report (default: opensearch-state beside --index DIR; $"+envStateDir+")")
	}
	return f
}

// backend is what the backend flags chose: a Bleve directory, or a
// cluster with the local directory of its import state.
type backend struct {
	dir      string             // Bleve's index directory
	cluster  *opensearch.Config // nil for Bleve
	stateDir string             // the cluster's import state and report
}

// resolve checks the backend flags after parsing and returns the choice;
// dir is --index. Mistakes are usage errors: an unknown backend, cluster
// flags without --backend opensearch, no URL for a cluster.
func (f *backendFlags) resolve(dir string) (backend, error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch *f.name {
	case backendBleve:
		for name := range set {
			if strings.HasPrefix(name, clusterFlagPrefix) {
				return backend{}, usageError{"--" + name + " applies to --backend opensearch only (the backend is bleve)"}
			}
		}
		return backend{dir: dir}, nil
	case backendOpenSearch:
	default:
		return backend{}, usageError{fmt.Sprintf("unknown backend %q (from --backend or $%s): want %s or %s", *f.name, envBackend, backendBleve, backendOpenSearch)}
	}
	cfg, err := opensearch.ConfigFromEnv()
	if err != nil {
		return backend{}, usageError{err.Error()}
	}
	if set["opensearch-url"] {
		u, err := url.Parse(*f.url)
		if err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				return backend{}, usageError{"--opensearch-url holds a password, which every user of this machine can read in the command line: give it in $" + opensearch.EnvPassword + " or --opensearch-password-file"}
			}
		}
		cfg.URL = *f.url
	}
	if cfg.URL == "" {
		return backend{}, usageError{"--backend opensearch needs the cluster's address: --opensearch-url URL or $" + opensearch.EnvURL}
	}
	if u, err := url.Parse(cfg.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return backend{}, usageError{"the cluster's address must be http(s)://host:port"}
	}
	if set["opensearch-index"] {
		cfg.Index = *f.index
	}
	if set["opensearch-user"] {
		cfg.User = *f.user
	}
	if *f.passwordFile != "" {
		if cfg.Password, err = readSecret(*f.passwordFile); err != nil {
			return backend{}, fmt.Errorf("opensearch password: %w", err)
		}
	}
	if *f.tokenFile != "" {
		if cfg.Token, err = readSecret(*f.tokenFile); err != nil {
			return backend{}, fmt.Errorf("opensearch token: %w", err)
		}
	}
	if set["opensearch-ca"] {
		cfg.CAFile = *f.caFile
	}
	if set["opensearch-insecure"] {
		cfg.Insecure = *f.insecure
	}
	if set["opensearch-timeout"] {
		if *f.timeout <= 0 {
			return backend{}, usageError{"--opensearch-timeout must be positive, such as 30s"}
		}
		cfg.Timeout = *f.timeout
	}
	be := backend{dir: dir, cluster: &cfg}
	if f.stateDir == nil {
		return be, nil
	}
	if set["opensearch-shards"] {
		if *f.shards < 1 {
			return backend{}, usageError{"--opensearch-shards must be 1 or more"}
		}
		cfg.Shards = *f.shards
	}
	if set["opensearch-replicas"] {
		if *f.replicas < 0 {
			return backend{}, usageError{"--opensearch-replicas must be 0 or more"}
		}
		n := *f.replicas
		cfg.Replicas = &n
	}
	// The state goes beside the index directory by default, so that a
	// deployment that moved --index ($TRACUU_INDEX) keeps both together.
	be.stateDir = envOr(envStateDir, filepath.Join(filepath.Dir(filepath.Clean(dir)), "opensearch-state"))
	if set["opensearch-state-dir"] {
		be.stateDir = *f.stateDir
	}
	return be, nil
}

// readSecret reads a password or token from a file, without the line end
// an editor or echo leaves.
func readSecret(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return s, nil
}

// where names the index chosen, for messages: the directory, or the
// cluster (without credentials) and the alias.
func (be backend) where() string {
	if be.cluster == nil {
		return be.dir
	}
	u, err := url.Parse(be.cluster.URL)
	if err != nil {
		return "the cluster"
	}
	u.User = nil
	name := be.cluster.Index
	if name == "" {
		name = opensearch.DefaultIndex
	}
	return u.String() + " (index " + name + ")"
}

// writeMode says how a command opens an index for writing.
type writeMode struct {
	anySchema bool // to rebuild an index of an older schema
	noCreate  bool // a missing cluster index is an error, not created
}

// openIngest opens the index chosen for writing and says which versions
// a crash had left unfinished (a rebuild killed midway) and were removed.
func openIngest(ctx context.Context, be backend, mode writeMode, opts ingest.Options, stderr io.Writer) (*ingest.Index, error) {
	opts.AnySchema = mode.anySchema
	if be.cluster != nil {
		cfg := *be.cluster
		cfg.ReadOnly = mode.noCreate
		return ingest.OpenCluster(ctx, cfg, be.stateDir, opts)
	}
	x, err := ingest.Open(be.dir, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range x.Removed {
		fmt.Fprintf(stderr, "tracuu: removed the unfinished index version %s\n", p)
	}
	return x, nil
}

// openReadOnly opens the index chosen for reading only.
func openReadOnly(ctx context.Context, be backend) (index.Backend, error) {
	if be.cluster != nil {
		cfg := *be.cluster
		cfg.ReadOnly = true
		return opensearch.Open(ctx, cfg)
	}
	return bleve.Open(be.dir, bleve.Options{ReadOnly: true})
}
