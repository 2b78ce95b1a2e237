//go:build unix

package vi

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time this process has used so far; benchmarks
// report throughput per CPU second too, since wall time on a shared machine
// counts the time other processes hold the cores.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
