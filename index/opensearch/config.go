package opensearch

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config says which cluster and index to use and how to reach them.
type Config struct {
	// URL of a node or load balancer: http(s)://host:port. User info in the
	// URL (https://user:password@host) is taken as User and Password.
	URL string
	// Index is the alias searches and writes address ("tracuu"); the
	// indexes behind it are named Index-v<schema>-<time>.
	Index string
	// Basic authentication, or a bearer token (Token wins when both are set).
	User, Password, Token string
	// CAFile is a PEM file of certificates to trust besides the system's;
	// Insecure skips certificate verification altogether (testing only).
	CAFile   string
	Insecure bool
	// Timeout bounds each request, retries excluded (default 30s); Dial
	// bounds connecting (default 5s).
	Timeout, Dial time.Duration
	// Retries is how many times a request refused with 429 or a 5xx, or
	// cut off on the way, is sent again (default 3; negative: never).
	Retries int
	// Shards and Replicas of indexes this backend creates; 0 and nil leave
	// the cluster's defaults.
	Shards   int
	Replicas *int
	// BulkDocs and BulkBytes bound each _bulk request (default 500
	// articles, 8 MiB: an article's pre-analysed fields are several times
	// its text).
	BulkDocs, BulkBytes int
	// ReadOnly opens an existing index without creating one.
	ReadOnly bool
	// AnySchema opens an index of another schema version (to reindex it).
	AnySchema bool
}

// DefaultIndex is the alias used when Config.Index is empty.
const DefaultIndex = "tracuu"

// Environment variables ConfigFromEnv reads.
const (
	EnvURL      = "TRACUU_OPENSEARCH_URL"
	EnvIndex    = "TRACUU_OPENSEARCH_INDEX"
	EnvUser     = "TRACUU_OPENSEARCH_USER"
	EnvPassword = "TRACUU_OPENSEARCH_PASSWORD"
	EnvToken    = "TRACUU_OPENSEARCH_TOKEN"
	EnvCAFile   = "TRACUU_OPENSEARCH_CA"
	EnvInsecure = "TRACUU_OPENSEARCH_INSECURE"
	EnvTimeout  = "TRACUU_OPENSEARCH_TIMEOUT"
	EnvShards   = "TRACUU_OPENSEARCH_SHARDS"
	EnvReplicas = "TRACUU_OPENSEARCH_REPLICAS"
)

// ConfigFromEnv reads a Config from the TRACUU_OPENSEARCH_* variables; an
// unset URL leaves Config.URL empty (no cluster configured).
func ConfigFromEnv() (Config, error) {
	c := Config{
		URL:      os.Getenv(EnvURL),
		Index:    os.Getenv(EnvIndex),
		User:     os.Getenv(EnvUser),
		Password: os.Getenv(EnvPassword),
		Token:    os.Getenv(EnvToken),
		CAFile:   os.Getenv(EnvCAFile),
	}
	var errs []error
	if v := os.Getenv(EnvInsecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false", EnvInsecure, v))
		}
		c.Insecure = b
	}
	if v := os.Getenv(EnvTimeout); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a duration such as 30s", EnvTimeout, v))
		}
		c.Timeout = d
	}
	if v := os.Getenv(EnvShards); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("%s=%q: want a number from 1", EnvShards, v))
		}
		c.Shards = n
	}
	if v := os.Getenv(EnvReplicas); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a number from 0", EnvReplicas, v))
		}
		c.Replicas = &n
	}
	return c, errors.Join(errs...)
}

// withDefaults checks c and fills in the defaults, taking credentials out
// of the URL so that no message ever prints them.
func (c Config) withDefaults() (Config, *url.URL, error) {
	if c.URL == "" {
		return c, nil, errors.New("opensearch: no URL configured")
	}
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, nil, fmt.Errorf("opensearch: URL %q: want http(s)://host:port", redactURL(c.URL))
	}
	if u.User != nil {
		if c.User == "" {
			c.User = u.User.Username()
		}
		if p, ok := u.User.Password(); ok && c.Password == "" {
			c.Password = p
		}
		u.User = nil
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c.URL = u.String()
	if c.Index == "" {
		c.Index = DefaultIndex
	}
	if err := checkIndexName(c.Index); err != nil {
		return c, nil, err
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.Dial <= 0 {
		c.Dial = 5 * time.Second
	}
	if c.Retries == 0 {
		c.Retries = 3
	}
	if c.Retries < 0 {
		c.Retries = 0
	}
	if c.BulkDocs <= 0 {
		c.BulkDocs = 500
	}
	if c.BulkBytes <= 0 {
		c.BulkBytes = 8 << 20
	}
	if c.Shards < 0 {
		return c, nil, fmt.Errorf("opensearch: %d shards: want 1 or more (0: the cluster's default)", c.Shards)
	}
	if c.Replicas != nil && *c.Replicas < 0 {
		return c, nil, fmt.Errorf("opensearch: %d replicas: want 0 or more", *c.Replicas)
	}
	return c, u, nil
}

// checkIndexName applies the engines' rules for index and alias names
// (lower case, no path or wildcard characters, not "_"-led), with room
// left for the version suffix.
func checkIndexName(name string) error {
	bad := name == "" || len(name) > 200 || name != strings.ToLower(name) ||
		strings.ContainsAny(name, "\\/*?\"<>| ,#:") || strings.HasPrefix(name, "_") ||
		strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+") || name == "." || name == ".."
	if bad {
		return fmt.Errorf("opensearch: index name %q: want lower case letters, digits, '-', '_' or '.', not led by '_', '-' or '+'", name)
	}
	return nil
}

// redactURL is a URL fit for messages: any password replaced.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
