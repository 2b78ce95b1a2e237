package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tracuu/tracuu/internal/yardstick"
)

// childEnv, when set in the environment, makes the bench binary (or the
// test binary) act as a child instead: "ROLE DIR FILE" imports FILE into a
// new index at DIR and prints {"articles": N}. Re-executing itself lets
// the baseline and floor imports be measured like tracuu's, as processes
// of their own.
const childEnv = "TRACUU_BENCH_CHILD"

// Child roles: which index a child builds.
const (
	roleBaseline       = "baseline-import"        // Bleve's default mapping
	roleFloor          = "floor-import"           // the floor without positions
	roleFloorPositions = "floor-positions-import" // the floor with positions
)

var childRoles = map[string]func(ctx context.Context, dir, src string) (int, error){
	roleBaseline: yardstick.ImportBaseline,
	roleFloor: func(ctx context.Context, dir, src string) (int, error) {
		return yardstick.ImportFloor(ctx, dir, src, false)
	},
	roleFloorPositions: func(ctx context.Context, dir, src string) (int, error) {
		return yardstick.ImportFloor(ctx, dir, src, true)
	},
}

// ChildMain runs the child role when the environment asks for one. The
// caller exits with code when handled; main functions and TestMain call
// it first.
func ChildMain() (handled bool, code int) {
	role := os.Getenv(childEnv)
	if role == "" {
		return false, 0
	}
	run, ok := childRoles[role]
	if !ok || len(os.Args) < 3 {
		fmt.Fprintf(os.Stderr, "tracuu-bench child: unknown role %q or missing arguments\n", role)
		return true, 2
	}
	n, err := run(context.Background(), os.Args[len(os.Args)-2], os.Args[len(os.Args)-1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "tracuu-bench child:", err)
		return true, 1
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]int{"articles": n}); err != nil {
		return true, 1
	}
	return true, 0
}

// workDir returns dir, created if need be, or a new temporary directory
// when dir is "", and the function that removes it afterwards unless keep.
func workDir(dir, prefix string, keep bool) (string, func(), error) {
	if dir == "" {
		d, err := os.MkdirTemp("", prefix)
		if err != nil {
			return "", nil, fmt.Errorf("work dir: %w", err)
		}
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", nil, fmt.Errorf("work dir: %w", err)
	}
	if keep {
		return dir, func() {}, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// measured is what a finished child process cost.
type measured struct {
	Stdout  []byte
	Wall    time.Duration
	PeakRSS int64 // bytes, from the kernel's rusage of the child
	CPU     time.Duration
}

// runMeasured runs cmd to completion and reads its rusage. Stderr goes to
// a tail buffer that is quoted when the command fails.
func runMeasured(cmd *exec.Cmd) (measured, error) {
	var out bytes.Buffer
	errTail := &tail{max: 4096}
	cmd.Stdout, cmd.Stderr = &out, errTail
	start := time.Now()
	err := cmd.Run()
	m := measured{Stdout: out.Bytes(), Wall: time.Since(start)}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.PeakRSS = ru.Maxrss * 1024 // Linux reports kilobytes
		}
		m.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return m, fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, strings.TrimSpace(errTail.String()))
	}
	return m, nil
}

// tail keeps the last max bytes written to it.
type tail struct {
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// vmRSS reads the resident memory of a process from /proc (Linux).
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("read rss of %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) == 0 {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("read rss of %d: %w", pid, err)
			}
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("read rss of %d: no VmRSS line", pid)
}

// dirSize is the size of the files under path.
func dirSize(path string) int64 {
	var n int64
	_ = filepath.Walk(path, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// server is a `tracuu serve` child process on a loopback port.
type server struct {
	cmd  *exec.Cmd
	base string // http://127.0.0.1:PORT
	pid  int
	done chan error

	once    sync.Once
	stopErr error
}

var servingRe = regexp.MustCompile(`at (http://127\.0\.0\.1:\d+)/`)

// startServer starts `tracuu serve` on a free loopback port and waits
// until it answers /readyz. Its log goes to logPath.
func startServer(ctx context.Context, bin, indexDir, logPath string, env []string) (*server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("serve log: %w", err)
	}
	cmd := exec.Command(bin, "serve", "--index", indexDir, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("serve: %w", err)
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start serve: %w", err)
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		err := cmd.Wait()
		logf.Close()
		s.done <- err
	}()
	select {
	case s.base = <-found:
	case err := <-s.done:
		return nil, fmt.Errorf("serve exited before listening (%v); log: %s", err, logPath)
	case <-time.After(60 * time.Second):
		s.stop()
		return nil, fmt.Errorf("serve did not start within 60s; log: %s", logPath)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
	return s, nil
}

// stop asks the server to shut down (SIGINT, as Ctrl-C) and kills it if
// it has not exited within 30 seconds. Later calls return the first
// call's result.
func (s *server) stop() error {
	s.once.Do(func() { s.stopErr = s.doStop() })
	return s.stopErr
}

func (s *server) doStop() error {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("serve exited with %d", ee.ExitCode())
		}
		return err
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		return errors.New("serve did not stop within 30s; killed")
	}
}
