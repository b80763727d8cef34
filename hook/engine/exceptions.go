package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/rcfge/rcfge/hook/exception"
	"github.com/rcfge/rcfge/hook/store"
	"github.com/rcfge/rcfge/hook/verdict"
)

// applyExceptions reads the governed exceptions for the account (when the store holds files) and
// applies them. ref names the file read ("key@version"). A missing file means no exceptions; a
// file that cannot be read or parsed is an error, never "no exceptions".
func (e *Engine) applyExceptions(ctx context.Context, vs []verdict.Violation, props any, in Input) (exception.Applied, string, error) {
	none := exception.Applied{Violations: vs}
	fs, ok := e.store.(store.FileStore)
	if !ok {
		return none, "", nil
	}
	f, err := fs.GetFile(ctx, exception.FileName, in.Context.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return none, "", nil
	}
	if err != nil {
		se := storeError(in.TypeName, err)
		if KindOf(se) == KindStore {
			se = &Error{Kind: KindExceptions, TypeName: in.TypeName, Template: exception.FileName, Err: err}
		}
		return none, "", se
	}
	ref := f.Key + "@" + f.Version
	parsed, _, err := e.exceptions.Do(f.Key+"\x00"+f.Version, func() (*exception.File, error) {
		return exception.Parse(f.Body)
	})
	if err != nil {
		return none, ref, &Error{Kind: KindExceptions, TypeName: in.TypeName, Template: f.Key, Err: fmt.Errorf("%w (fix the file or remove it; until then every violation of a resource that needs it is refused)", err)}
	}
	w := exception.Where{AccountID: in.Context.AccountID, StackName: in.Context.StackName, LogicalID: in.Context.LogicalResourceID, TypeName: in.TypeName}
	return parsed.Apply(vs, props, w, e.now()), ref, nil
}
