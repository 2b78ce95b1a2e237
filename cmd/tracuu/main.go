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
	"runtime/debug"
	"syscall"

	"github.com/tracuu/tracuu/internal/search"
)

// usageError marks mistakes in how tracuu was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// asUsage turns the caller's mistakes into usage errors (exit 2).
func asUsage(err error) error {
	if search.IsBadRequest(err) {
		return usageError{err.Error()}
	}
	return err
}

// commands are the subcommands. args names the positional arguments only:
// the flags are listed from each command's FlagSet, so usage cannot drift
// from what the command accepts.
var commands = []struct {
	name, args, help string
	run              func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}{
	{"import", "SOURCE...", "import pages or JSONL into the index", runImport},
	{"serve", "", "serve the search API, the admin API and the page", runServe},
	{"search", "QUERY", "search from the terminal", runSearch},
	{"extract", "FILE...", "show what extraction makes of pages (HTML, .gz or JSONL)", runExtract},
	{"reindex", "", "rebuild the index from its stored articles into a new version, then switch to it", runReindex},
	{"stats", "", "describe the index", runStats},
	// The research commands answer what /api/trends, /api/concordance and
	// /api/terms answer, from the terminal.
	{"trends", "QUERY...", "matches per period of each query (quote a query of several words)", runTrends},
	{"concordance", "QUERY", "every occurrence of the query in its context", runConcordance},
	{"terms", "QUERY", "words unusually frequent in the matches of the query", runTerms},
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go interrupts(sigs, cancel, os.Args[1:], os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}

// interrupts handles Ctrl-C: the first asks the command to stop cleanly
// (an import finishes the batch in hand, which takes seconds) and says so
// at once; the second stops the process now. Every batch is written whole
// or not at all, so the index still opens and the same import resumes.
func interrupts(sigs <-chan os.Signal, cancel context.CancelFunc, args []string, stderr io.Writer) {
	<-sigs
	what := "stopping"
	if len(args) > 0 {
		switch args[0] {
		case "import":
			what = "finishing the batch in hand"
		case "reindex":
			what = "stopping the rebuild; the current index stays as it is"
		case "serve":
			what = "shutting down: finishing the requests and the admin job in hand"
		}
	}
	fmt.Fprintf(stderr, "\ntracuu: %s… (Ctrl-C again to stop now)\n", what)
	cancel()
	<-sigs
	fmt.Fprintln(stderr, "tracuu: stopped now; the index keeps what was written (run the same import again to finish)")
	os.Exit(130)
}

// run executes one command line and returns the exit status: 0 success,
// 1 failure, 2 bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			usage(stderr)
			return 2
		}
		if len(args) > 1 {
			// "tracuu help import" is "tracuu import --help".
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return 0
	}
	if args[0] == "--version" || args[0] == "-version" || args[0] == "version" {
		fmt.Fprintln(stdout, "tracuu", version())
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		if errors.Is(err, flag.ErrHelp) {
			commandHelp(stdout, c.name)
			return 0
		}
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "tracuu %s: %s\nusage: tracuu %s %s\n(tracuu %s --help lists the flags)\n", c.name, ue.msg, c.name, synopsis(c.name), c.name)
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

// version is the module version and VCS revision the binary was built from.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	out := v
	if rev != "" {
		out += " (" + rev + dirty + ")"
	}
	return out + " " + bi.GoVersion
}
