//go:build !unix

package source

import "io/fs"

// dirKey identifies a directory by its resolved path where device and inode
// numbers are not at hand.
func dirKey(_ fs.FileInfo, res string) string { return res }
