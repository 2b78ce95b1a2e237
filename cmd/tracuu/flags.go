package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
)

// usage prints every command with its synopsis, which synopsis builds
// from the flags the command defines: the usage cannot drift from them.
func usage(w io.Writer) {
	fmt.Fprintln(w, "tracuu: full-text search over news archives, Vietnamese first")
	fmt.Fprintln(w, "\nusage:")
	for _, c := range commands {
		fmt.Fprintf(w, "  tracuu %-8s %s\n           %s\n", c.name, synopsis(c.name), c.help)
	}
	fmt.Fprintln(w, "  tracuu --version")
	clusterUsage(w)
	fmt.Fprintln(w, "\n`tracuu COMMAND --help` describes each flag.")
	fmt.Fprintln(w, "\nenvironment: TRACUU_INDEX (default ./data/index), TRACUU_ADDR (default :8080), TRACUU_CORS_ORIGINS,")
	fmt.Fprintln(w, "             TRACUU_ADMIN_TOKEN (admin API off when unset), TRACUU_IMPORT_ROOTS,")
	fmt.Fprintln(w, "             TRACUU_BACKEND (bleve, the default, or opensearch), TRACUU_OPENSEARCH_* (docs/opensearch.md)")
}

// clusterUsage lists the flags the synopses name [--opensearch-*], from
// the FlagSets of a reader (search) and a writer (import), so that the
// list cannot drift from them either.
func clusterUsage(w io.Writer) {
	reader := flagsOf("search")
	var all, writers []string
	flagsOf("import").VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, clusterFlagPrefix) {
			return
		}
		s := "--" + f.Name
		if arg, _ := flag.UnquoteUsage(f); arg != "" {
			s += " " + strings.ToUpper(arg)
		}
		if reader.Lookup(f.Name) == nil {
			writers = append(writers, s)
		} else {
			all = append(all, s)
		}
	})
	fmt.Fprintf(w, "\n[--%s*] are the flags of --backend opensearch (docs/opensearch.md):\n", clusterFlagPrefix)
	// Wrapped between flags, never between a flag and its argument.
	var words []string
	for _, f := range all {
		words = append(words, f+",")
	}
	words = append(words, strings.Fields("and for import, serve and reindex")...)
	for i, f := range writers {
		if i < len(writers)-1 {
			f += ","
		}
		words = append(words, f)
	}
	line := " "
	for _, word := range words {
		if len(line)+1+len(word) > 100 {
			fmt.Fprintln(w, line)
			line = " "
		}
		line += " " + word
	}
	fmt.Fprintln(w, line)
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
		grouped := false
		fs.VisitAll(func(f *flag.Flag) {
			// The cluster's flags are many and apply to one backend: the
			// synopsis names them as a group, --help lists each.
			if strings.HasPrefix(f.Name, clusterFlagPrefix) {
				if !grouped {
					parts = append(parts, "[--"+clusterFlagPrefix+"*]")
					grouped = true
				}
				return
			}
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

// filterFlags adds the filters of a search to fl; the returned function
// writes those given into v.
func filterFlags(fl *flag.FlagSet) func(v url.Values) {
	from := fl.String("from", "", "published on or after `DATE` (YYYY, YYYY-MM, YYYY-MM-DD)")
	to := fl.String("to", "", "published on or before `DATE` (YYYY, YYYY-MM, YYYY-MM-DD)")
	exact := fl.Bool("exact", false, "search exactly what was typed: no reading of wrong marks or input-method keys")
	var sites, sections, authors listFlag
	fl.Var(&sites, "site", "only this `SITE` (repeatable)")
	fl.Var(&sections, "section", "only this `SECTION` (repeatable)")
	fl.Var(&authors, "author", "only this `AUTHOR` (repeatable)")
	return func(v url.Values) {
		for k, s := range map[string]string{"from": *from, "to": *to} {
			if s != "" {
				v.Set(k, s)
			}
		}
		for k, l := range map[string]listFlag{"site": sites, "section": sections, "author": authors} {
			if len(l) > 0 {
				v[k] = l
			}
		}
		if *exact {
			v.Set("exact", "1")
		}
	}
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }
