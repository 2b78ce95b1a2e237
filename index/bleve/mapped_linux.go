package bleve

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// releaseMapped takes the pages of the files under dir that this process
// has mapped (Bleve maps every segment and its bolt file read-only and
// shared) out of its resident set. Reading a whole index (a reindex's
// scan, the merges of an import) would otherwise leave all of it counted
// in the process's memory until exit. The pages stay in the page cache,
// so a later read maps them back without disk I/O; only read-only shared
// mappings are touched, where dropping a page cannot lose a write.
func releaseMapped(dir string) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// start-end perms offset dev inode path, the path possibly holding
		// spaces and ending in " (deleted)" for a segment merged away.
		line := sc.Text()
		fields := strings.Fields(line)
		at := strings.Index(line, " /")
		if len(fields) < 6 || fields[1] != "r--s" || at < 0 || !strings.HasPrefix(line[at+1:], dir+"/") {
			continue
		}
		from, to, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(from, 16, 64)
		end, err2 := strconv.ParseUint(to, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("release mapped %s: %w", line[at+1:], errno)
		}
	}
	return sc.Err()
}
