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
	"strings"
	"syscall"
)

// usageError marks mistakes in how tracuu was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

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

func usage(w io.Writer) {
	fmt.Fprintln(w, "tracuu: full-text search over news archives, Vietnamese first")
	fmt.Fprintln(w, "\nusage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  tracuu %-8s %s\n           %s\n", c.name, synopsis(c.name), c.help)
	}
	fmt.Fprintln(w, "  tracuu --version")
	fmt.Fprintln(w, "\n`tracuu COMMAND --help` describes each flag.")
	fmt.Fprintln(w, "\nenvironment: TRACUU_INDEX (default ./data/index), TRACUU_ADDR (default :8080), TRACUU_CORS_ORIGINS,")
	fmt.Fprintln(w, "             TRACUU_ADMIN_TOKEN (admin API off when unset), TRACUU_IMPORT_ROOTS")
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("tracuu "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// flagsOf returns the FlagSet a command defines, by running it with
// --help: every command defines and parses its flags before doing
// anything else, so the run stops there.
func flagsOf(name string) *flag.FlagSet {
	for _, c := range commands {
		if c.name == name {
			var fs *flag.FlagSet
			described = func(f *flag.FlagSet) { fs = f }
			c.run(context.Background(), []string{"--help"}, io.Discard, io.Discard)
			described = nil
			return fs
		}
	}
	return nil
}

// described, when set, receives the FlagSet of the command being parsed.
var described func(*flag.FlagSet)

// synopsis is a command's one-line usage: its flags, then its arguments.
func synopsis(name string) string {
	var parts []string
	if fs := flagsOf(name); fs != nil {
		fs.VisitAll(func(f *flag.Flag) {
			arg, _ := flag.UnquoteUsage(f)
			if arg == "" {
				parts = append(parts, "[--"+f.Name+"]")
			} else {
				parts = append(parts, "[--"+f.Name+" "+strings.ToUpper(arg)+"]")
			}
		})
	}
	for _, c := range commands {
		if c.name == name && c.args != "" {
			parts = append(parts, c.args)
		}
	}
	return strings.Join(parts, " ")
}

// commandHelp prints a command's usage and each of its flags.
func commandHelp(w io.Writer, name string) {
	for _, c := range commands {
		if c.name == name {
			fmt.Fprintf(w, "tracuu %s: %s\n\nusage: tracuu %s %s\n\nflags:\n", name, c.help, name, synopsis(name))
		}
	}
	if fs := flagsOf(name); fs != nil {
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
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

// parse parses flags, turning flag mistakes into usage errors. Flags may
// follow the positional arguments ("tracuu search dan chu --json").
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	if described != nil {
		described(fs)
		return nil, flag.ErrHelp
	}
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
	return fs.String("index", envOr("TRACUU_INDEX", "./data/index"), "index directory `DIR` ($TRACUU_INDEX)")
}
