//go:build !unix

package replay

import "os"

// readFile is os.ReadFile where the unix shortcut does not apply.
func readFile(name string, _ int64) ([]byte, error) { return os.ReadFile(name) }
