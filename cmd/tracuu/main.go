// Command tracuu imports archives of news pages into a full-text index and
// serves search over it. See README.md for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// usageError marks mistakes in how tracuu was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

var commands = []struct {
	name, args, help string
	run              func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}{
	{"import", "[--index DIR] [--workers N] [--json] [--report FILE] SOURCE...", "import pages or JSONL into the index", runImport},
	{"serve", "[--index DIR] [--addr :8080] [--cors-origins LIST] [--import-roots LIST] [--rate-limit N]", "serve the search API, the admin API and the page", runServe},
	{"search", "[--index DIR] [--json] [--size N] QUERY", "search from the terminal", runSearch},
	{"extract", "[--json] FILE...", "show what extraction makes of pages", runExtract},
	{"reindex", "[--index DIR] [--json]", "rebuild the index from its stored articles into a new version, then switch to it", runReindex},
	{"stats", "[--index DIR] [--json]", "describe the index", runStats},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit status: 0 success,
// 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "tracuu %s: %s\nusage: tracuu %s %s\n", c.name, ue.msg, c.name, c.args)
			return 2
		default:
			fmt.Fprintf(stderr, "tracuu %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "tracuu: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "tracuu: full-text search over news archives, Vietnamese first")
	fmt.Fprintln(w, "\nusage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  tracuu %-8s %s\n           %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(w, "\nenvironment: TRACUU_INDEX (default ./data/index), TRACUU_ADDR (default :8080), TRACUU_CORS_ORIGINS,")
	fmt.Fprintln(w, "             TRACUU_ADMIN_TOKEN (admin API off when unset), TRACUU_IMPORT_ROOTS")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tracuu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags, turning flag mistakes into usage errors. Flags may
// follow the positional arguments ("tracuu search dan chu --json").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func indexFlag(fs *flag.FlagSet) *string {
	return fs.String("index", envOr("TRACUU_INDEX", "./data/index"), "index directory ($TRACUU_INDEX)")
}
