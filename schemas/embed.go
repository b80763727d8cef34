// Package schemas embeds the shipped restricted templates, the default template store of the CLI.
package schemas

import (
	"embed"
	"io/fs"
)

//go:embed *.json
var templates embed.FS

// FS returns the shipped templates: <Type>.json files at the root.
func FS() fs.FS { return templates }
