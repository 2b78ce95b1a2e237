package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMakeRunHonoursEnvironment checks that make run serves where the
// README's TRACUU_ADDR and TRACUU_INDEX say, and at the defaults without
// them (make -n prints the commands without running them).
func TestMakeRunHonoursEnvironment(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make on PATH")
	}
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"TRACUU_ADDR=:9999", "TRACUU_INDEX=/tmp/elsewhere"}, "serve --index /tmp/elsewhere --addr :9999"},
		{nil, "serve --index ./data/index --addr :8080"},
		{[]string{"TRACUU_ADDR=127.0.0.1:8181", "ADDR=:7070"}, "--addr :7070"}, // make's own variable wins
	} {
		cmd := exec.Command("make", "-n", "run")
		cmd.Dir = "../.."
		var env []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "TRACUU_") && !strings.HasPrefix(kv, "ADDR=") && !strings.HasPrefix(kv, "INDEX=") {
				env = append(env, kv)
			}
		}
		cmd.Env = append(env, tc.env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n run: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("with %v make run does:\n%s\nwant %q", tc.env, out, tc.want)
		}
	}
}
