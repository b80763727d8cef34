package wire

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the answer as JSON, byte for byte what encoding/json's Encoder writes with
// SetEscapeHTML(false) and SetIndent(prefix, indent), without the final newline; empty prefix
// and indent give the compact form. Every answer is encoded on the request path, where
// encoding/json's reflection cost more than the rest of a warm request's answer.
func (r *Response) AppendJSON(dst []byte, prefix, indent string) []byte {
	w := jsonWriter{b: dst, prefix: prefix, indent: indent}
	w.open('{')
	w.key("hookStatus", true)
	w.str(string(r.HookStatus))
	if r.ErrorCode != "" {
		w.key("errorCode", false)
		w.str(string(r.ErrorCode))
	}
	if r.Message != "" {
		w.key("message", false)
		w.str(r.Message)
	}
	w.key("clientRequestToken", false)
	w.str(r.ClientRequestToken)
	w.key("callbackDelaySeconds", false)
	w.b = strconv.AppendInt(w.b, int64(r.CallbackDelaySeconds), 10)
	if len(r.Annotations) > 0 {
		w.key("annotations", false)
		w.open('[')
		for i := range r.Annotations {
			w.item(i == 0)
			r.Annotations[i].appendJSON(&w)
		}
		w.close(']')
	}
	w.close('}')
	return w.b
}

func (a *Annotation) appendJSON(w *jsonWriter) {
	w.open('{')
	w.key("annotationName", true)
	w.str(a.AnnotationName)
	w.key("status", false)
	w.str(a.Status)
	for _, f := range [...]struct{ name, val string }{
		{"statusMessage", a.StatusMessage},
		{"remediationMessage", a.RemediationMessage},
		{"remediationLink", a.RemediationLink},
		{"severityLevel", a.SeverityLevel},
	} {
		if f.val != "" {
			w.key(f.name, false)
			w.str(f.val)
		}
	}
	w.close('}')
}

// jsonWriter appends JSON with encoding/json's layout: with an indent, each member or item on its
// own line, prefix then indent once per level, and ": " after keys.
type jsonWriter struct {
	b              []byte
	prefix, indent string
	depth          int
}

func (w *jsonWriter) indented() bool { return w.prefix != "" || w.indent != "" }

func (w *jsonWriter) newline() {
	w.b = append(w.b, '\n')
	w.b = append(w.b, w.prefix...)
	for range w.depth {
		w.b = append(w.b, w.indent...)
	}
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
}

// close ends a container that holds at least one member or item.
func (w *jsonWriter) close(c byte) {
	w.depth--
	if w.indented() {
		w.newline()
	}
	w.b = append(w.b, c)
}

// item starts a member or list item.
func (w *jsonWriter) item(first bool) {
	if !first {
		w.b = append(w.b, ',')
	}
	if w.indented() {
		w.newline()
	}
}

// key starts a member; keys are plain ASCII.
func (w *jsonWriter) key(k string, first bool) {
	w.item(first)
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	if w.indented() {
		w.b = append(w.b, ' ')
	}
}

// str appends s quoted as encoding/json quotes it without HTML escaping: short escapes for
// \b \f \n \r \t, \u00XX for other control characters, U+FFFD for invalid UTF-8, and U+2028
// and U+2029 escaped (JavaScript reads them as line ends).
func (w *jsonWriter) str(s string) {
	const hex = "0123456789abcdef"
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}
