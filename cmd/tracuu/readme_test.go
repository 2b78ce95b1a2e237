package main

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEUsage holds the README's command lines to the usage printed
// from the commands' flag definitions: every command is listed, with
// exactly the flags it takes.
func TestREADMEUsage(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "tracuu" {
			continue
		}
		for _, c := range commands {
			if c.name != f[1] {
				continue
			}
			listed[c.name] = true
			if got, want := strings.Join(f, " "), "tracuu "+c.name+" "+synopsis(c.name); got != want {
				t.Errorf("README.md lists\n\t%s\nbut the command's usage is\n\t%s", got, want)
			}
		}
	}
	for _, c := range commands {
		if !listed[c.name] {
			t.Errorf("README.md does not list tracuu %s", c.name)
		}
	}
}
