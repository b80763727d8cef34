package wire

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	"github.com/rcfge/rcfge/hook/jsontree"
)

// ErrEncryptedCredentials means the credentials are an AWS Encryption SDK message (the request set
// hookEncryptionKeyArn and hookEncryptionKeyRole), which rcfge does not decrypt.
var ErrEncryptedCredentials = errors.New("caller credentials are encrypted")

// Credentials is a temporary AWS session for the hook execution role.
type Credentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	SessionToken    string `json:"sessionToken"`
}

// String never prints the secret parts.
func (c Credentials) String() string { return "Credentials{" + c.redactedKey() + "}" }

// LogValue keeps credentials out of structured logs even when logged by mistake.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c Credentials) redactedKey() string {
	if len(c.AccessKeyID) <= 4 {
		return "****"
	}
	return c.AccessKeyID[:4] + "****"
}

// Secret is a credentials field as sent: a JSON string holding the credentials object (the
// documented form), the object itself, or an encrypted blob. It is kept as sent until asked for,
// and it never prints its content.
type Secret struct {
	raw string
	obj Object
}

// secretOf keeps a decoded value: a string's content, or an object.
func secretOf(v any) (Secret, error) {
	switch x := v.(type) {
	case nil:
		return Secret{}, nil
	case string:
		return Secret{raw: x}, nil
	case map[string]any:
		return Secret{obj: x}, nil
	}
	return Secret{}, fmt.Errorf("credentials: want a string or an object, got %s", typeName(v))
}

// UnmarshalJSON keeps the value: a string's content, or an object.
func (s *Secret) UnmarshalJSON(b []byte) error {
	v, err := jsontree.Decode(b, jsontree.Unlimited)
	if err != nil {
		return err
	}
	sec, err := secretOf(v)
	if err != nil {
		return err
	}
	*s = sec
	return nil
}

// MarshalJSON writes a redaction, so a request can never be re-encoded with its secrets.
func (s Secret) MarshalJSON() ([]byte, error) {
	if !s.Present() {
		return []byte("null"), nil
	}
	return []byte(`"<redacted>"`), nil
}

// String never prints the secret.
func (s Secret) String() string {
	if !s.Present() {
		return ""
	}
	return "<redacted>"
}

// LogValue keeps the secret out of structured logs.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Present reports whether the field was sent and non-empty.
func (s Secret) Present() bool { return s.obj != nil || strings.TrimSpace(s.raw) != "" }

// Credentials parses the field. encrypted is whether the request named an encryption key and role;
// then a value that is not plain JSON is reported as ErrEncryptedCredentials.
func (s Secret) Credentials(encrypted bool) (Credentials, error) {
	if s.obj != nil {
		return s.parse(encrypted)
	}
	// A warm Lambda is sent the same session request after request: the last text parsed is kept
	// with its result, which depends on nothing else.
	if p := lastParsed.Load(); p != nil && p.raw == s.raw && p.encrypted == encrypted {
		return p.c, p.err
	}
	c, err := s.parse(encrypted)
	lastParsed.Store(&parsed{raw: s.raw, encrypted: encrypted, c: c, err: err})
	return c, err
}

// parsed is one Credentials call on a string field and its result.
type parsed struct {
	raw       string
	encrypted bool
	c         Credentials
	err       error
}

var lastParsed atomic.Pointer[parsed]

func (s Secret) parse(encrypted bool) (Credentials, error) {
	obj := s.obj
	if obj == nil {
		// The credentials' own text: at most a few kilobytes, so no limits but depth.
		if v, err := jsontree.DecodeString(s.raw, jsontree.Unlimited); err == nil {
			obj, _ = v.(map[string]any)
		}
	}
	if obj == nil {
		if encrypted {
			return Credentials{}, fmt.Errorf("%w: AWS Encryption SDK messages are not supported", ErrEncryptedCredentials)
		}
		// The decoder's message could quote the secret; report only where it failed.
		return Credentials{}, errors.New("credentials: not a JSON object")
	}
	var c Credentials
	var errs []error
	for _, f := range []struct {
		key string
		dst *string
	}{{"accessKeyId", &c.AccessKeyID}, {"secretAccessKey", &c.SecretAccessKey}, {"sessionToken", &c.SessionToken}} {
		v, _ := obj.Get(f.key)
		switch x := v.(type) {
		case string:
			*f.dst = x
		case nil:
		default:
			// Never quote the value: it may be the secret.
			errs = append(errs, fmt.Errorf("credentials: %s is %s, want a string", f.key, typeName(v)))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Credentials{}, err
	}
	if c.AccessKeyID == "" {
		return Credentials{}, errors.New("credentials: accessKeyId is missing")
	}
	if c.SecretAccessKey == "" {
		return Credentials{}, errors.New("credentials: secretAccessKey is missing")
	}
	return c, nil
}

// CallerCredentials returns the execution role's session, or ok=false when none was sent
// (Lambda hooks, local replays): the caller then uses its default credential chain.
func (r *Request) CallerCredentials() (c Credentials, ok bool, err error) {
	d := r.RequestData
	if !d.CallerCredentials.Present() {
		return Credentials{}, false, nil
	}
	c, err = d.CallerCredentials.Credentials(d.HookEncryptionKeyARN != "" && d.HookEncryptionKeyRole != "")
	if err != nil {
		return Credentials{}, false, fmt.Errorf("requestData.callerCredentials: %w", err)
	}
	return c, true, nil
}
