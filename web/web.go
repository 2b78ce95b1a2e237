// Package web holds the search page and the embeddable search widget
// (widget.js), embedded in the binary so that tracuu serves them with no
// other files at run time. See README.md for the page's URL state and the
// widget's options.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var static embed.FS

// FS is the page's files, rooted so that index.html is at the top.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
