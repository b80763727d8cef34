package wire_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcfge/rcfge/hook/wire"
)

// FuzzDecode: no input panics, and a decoded request always has a valid invocation point and target.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := wire.Decode(b)
		if err != nil {
			return
		}
		switch r.ActionInvocationPoint {
		case wire.CreatePreProvision, wire.UpdatePreProvision, wire.DeletePreProvision:
		default:
			t.Fatalf("decoded an invalid invocation point %q", r.ActionInvocationPoint)
		}
		if r.Target() == "" {
			t.Fatal("decoded an empty target")
		}
		_, _, _ = r.CallerCredentials()
		_, _ = wire.DecodePayload(b)
	})
}
