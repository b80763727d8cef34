// Package buildinfo says which rcfge this is: `rcfge --version` and the SARIF driver version.
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// version is set at link time (make build: -ldflags "-X .../buildinfo.version=$(VERSION)"); when
// empty, the module version and VCS stamp Go records in the binary are used.
var version string

// Version is the release version if one was linked in, else the module version ("(devel)" for a
// local build) with the VCS revision and a "-dirty" mark when the tree had changes.
func Version() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return describe(bi)
}

func describe(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" || strings.Contains(v, rev[:min(12, len(rev))]) {
		return v
	}
	return v + " " + rev[:min(12, len(rev))] + dirty
}
