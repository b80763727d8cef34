package s3test

import (
	"os/exec"
	"syscall"
)

// dieWithParent kills the server when the test binary dies, even by SIGKILL (a `go test` timeout,
// a fuzz worker being replaced), so no gateway outlives its tests.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
