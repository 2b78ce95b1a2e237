//go:build unix

package source

import (
	"fmt"
	"io/fs"
	"syscall"
)

// dirKey identifies a directory across the different paths (symlinks, bind
// mounts) that lead to it: device and inode number. res, its resolved path,
// is the fallback when the file system does not say.
func dirKey(fi fs.FileInfo, res string) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
	}
	return res
}
