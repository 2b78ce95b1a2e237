//go:build !unix

package vi

import "time"

// cpuTime is not available here: benchmarks report wall-time figures only.
func cpuTime() (time.Duration, bool) { return 0, false }
