// Command rcfge is the DevSecOps tool for restricted resource schema templates.
package main

import (
	"os"

	"github.com/rcfge/rcfge/tools/cli/root"
)

func main() { os.Exit(root.Main()) }
