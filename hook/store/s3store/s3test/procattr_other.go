//go:build !linux

package s3test

import "os/exec"

// dieWithParent has no portable equivalent outside Linux; Close stops the server.
func dieWithParent(*exec.Cmd) {}
