// Package jsontree decodes JSON text into the tree the hook works on (map[string]any, []any,
// string, json.Number, bool, nil) in one pass over the bytes, enforcing size, value-count and depth
// limits as it goes. It builds the same tree as encoding/json's Decoder with UseNumber, with one
// deliberate difference: an object that names a member twice is an error, not "last one wins".
//
// encoding/json needs three passes to do the same job with limits (a scan for the limits, a
// validity scan, then the decode). Measured on the hook's S3 example request, none of
// goccy/go-json, segmentio/encoding or go-json-experiment's jsontext (tree built from its tokens)
// used less CPU than this decoder, none enforces the limits while decoding, and the two fastest
// lean on unsafe code generation, which the Lambda's start time and size pay for.
package jsontree

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Limits bound what Decode accepts. Each is checked during the one pass, so a hostile document
// costs the text read up to the limit, never the tree behind it.
type Limits struct {
	// MaxBytes is the length of the text.
	MaxBytes int
	// MaxValues counts object members and list items: every member counts one, every list counts
	// its items, and an empty list counts one (as a list holding its first item would).
	MaxValues int
	// MaxDepth is the nesting depth of objects and lists.
	MaxDepth int
}

// Unlimited bounds nothing but depth, which encoding/json bounds at the same 10,000 levels.
var Unlimited = Limits{MaxBytes: int(^uint(0) >> 1), MaxValues: int(^uint(0) >> 1), MaxDepth: 10_000}

// The names of the three limits, as LimitError.Limit gives them.
const (
	LimitSize   = "request size"
	LimitValues = "property count"
	LimitDepth  = "nesting depth"
)

// LimitError says which limit a document broke.
type LimitError struct {
	// Limit is LimitSize, LimitValues or LimitDepth.
	Limit string
	// Max is the limit; Got is what the document has (for values and depth, the count at which
	// decoding stopped, Max+1).
	Max, Got int
	// Unit names what is counted.
	Unit string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("the document exceeds the %s limit: more than %d %s", e.Limit, e.Max, e.Unit)
}

// SyntaxError is malformed JSON text; Offset is the byte at which it was found.
type SyntaxError struct {
	msg    string
	Offset int
}

func (e *SyntaxError) Error() string { return e.msg }

// ErrTrailingData means a complete value was followed by more than white space.
var ErrTrailingData = errors.New("trailing data after the JSON value")

// DuplicateError is an object that names a member twice. encoding/json keeps the last, CloudFormation
// too; a request in which two readers could see different values is refused instead.
type DuplicateError struct {
	// Key is the name given twice.
	Key string
	// Offset is where the object that repeats it ends.
	Offset int
}

func (e *DuplicateError) Error() string {
	k := e.Key
	if len(k) > 64 {
		k = k[:64] + "…"
	}
	return fmt.Sprintf("duplicate object member %q", k)
}

// Decode parses b as exactly one JSON value (white space around it allowed) within l. Truncated
// text is io.ErrUnexpectedEOF; other errors are *SyntaxError, *LimitError, *DuplicateError or
// ErrTrailingData (wrapped in a *SyntaxError).
func Decode(b []byte, l Limits) (any, error) {
	d, err := start(b, l)
	if err != nil {
		return nil, err
	}
	r := Reader{d: d}
	v, err := r.Value()
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeString is Decode for text held in a string, without copying it.
func DecodeString(s string, l Limits) (any, error) {
	// The decoder only reads its input, so viewing the string's bytes is safe.
	return Decode(unsafe.Slice(unsafe.StringData(s), len(s)), l)
}

var pool = sync.Pool{New: func() any { return new(decoder) }}

// decoder is one pass over b. members and items are stacks shared by every object and list being
// built, so a container is allocated once at its final size.
type decoder struct {
	b             []byte
	i             int
	lim           Limits
	depth, values int
	members       []member
	items         []any
	// keys holds member names already seen, by this decoder's earlier documents too: resource
	// properties repeat the same few names (Key, Value, Name, Tags), each a string to allocate.
	keys map[string]string
}

// Bounds of the key cache: short names only, and a full cache takes no more (the pool drops
// decoders, and their caches, as the garbage collector runs).
const (
	maxCachedKey  = 32
	maxCachedKeys = 512
)

// key reads a member name at d.i, sharing the string of an equal name read before.
func (d *decoder) key() (string, error) {
	start := d.i + 1
	end := start
	for end < len(d.b) && plain[d.b[end]] {
		end++
	}
	if end >= len(d.b) || d.b[end] != '"' || end-start > maxCachedKey {
		return d.str("object key")
	}
	if k, ok := d.keys[string(d.b[start:end])]; ok {
		d.i = end + 1
		return k, nil
	}
	k, err := d.str("object key")
	if err != nil {
		return "", err
	}
	if d.keys == nil {
		d.keys = make(map[string]string, maxCachedKeys)
	}
	if len(d.keys) < maxCachedKeys {
		d.keys[k] = k
	}
	return k, nil
}

type member struct {
	key string
	val any
}

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// value reads the value starting at d.i (white space already skipped).
func (d *decoder) value() (any, error) {
	if d.i >= len(d.b) {
		return nil, io.ErrUnexpectedEOF
	}
	switch c := d.b[d.i]; c {
	case '{':
		return d.object()
	case '[':
		return d.array()
	case '"':
		s, err := d.str("string literal")
		return s, err
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			return d.number()
		}
		return nil, d.unexpected("looking for beginning of value")
	}
}

func (d *decoder) unexpected(context string) error {
	if d.i >= len(d.b) {
		return io.ErrUnexpectedEOF
	}
	return &SyntaxError{msg: "invalid character " + quoteChar(d.b[d.i]) + " " + context, Offset: d.i}
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

// open enters an object or list at d.i, counting its depth.
func (d *decoder) open() error {
	d.depth++
	if d.depth > d.lim.MaxDepth {
		return &LimitError{Limit: LimitDepth, Max: d.lim.MaxDepth, Got: d.depth, Unit: "levels of objects and lists"}
	}
	d.i++
	return nil
}

// count adds one member or item.
func (d *decoder) count() error {
	d.values++
	if d.values > d.lim.MaxValues {
		return &LimitError{Limit: LimitValues, Max: d.lim.MaxValues, Got: d.values, Unit: "properties and list items"}
	}
	return nil
}

func (d *decoder) object() (any, error) {
	base := len(d.members)
	err := d.eachMember(func(k string) error {
		v, err := d.value()
		if err != nil {
			return err
		}
		d.members = append(d.members, member{k, v})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d.build(base)
}

// eachMember reads the object at d.i, calling member after each key and its colon; member reads
// the value. Repeated keys are the caller's to find.
func (d *decoder) eachMember(member func(key string) error) error {
	if err := d.open(); err != nil {
		return err
	}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		d.depth--
		return nil
	}
	for {
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return d.unexpected("looking for beginning of object key string")
		}
		k, err := d.key()
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return d.unexpected("after object key")
		}
		d.i++
		if err := d.count(); err != nil {
			return err
		}
		d.space()
		if err := member(k); err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.b) {
			return io.ErrUnexpectedEOF
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			d.space()
			continue
		case '}':
			d.i++
			d.depth--
			return nil
		}
		return d.unexpected("after object key:value pair")
	}
}

// build makes the map of the members from base on and pops them.
func (d *decoder) build(base int) (any, error) {
	ms := d.members[base:]
	m := make(map[string]any, len(ms))
	for _, x := range ms {
		m[x.key] = x.val
	}
	var err error
	if len(m) != len(ms) {
		seen := make(map[string]bool, len(ms))
		for _, x := range ms {
			if seen[x.key] {
				err = &DuplicateError{Key: x.key, Offset: d.i - 1}
				break
			}
			seen[x.key] = true
		}
	}
	clear(ms) // the stack must not keep the tree alive
	d.members = d.members[:base]
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (d *decoder) array() (any, error) {
	if err := d.open(); err != nil {
		return nil, err
	}
	// A list counts one value on opening, for its first item if any; commas count the rest.
	if err := d.count(); err != nil {
		return nil, err
	}
	base := len(d.items)
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		d.depth--
		return []any{}, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		d.items = append(d.items, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, io.ErrUnexpectedEOF
		}
		switch d.b[d.i] {
		case ',':
			d.i++
			if err := d.count(); err != nil {
				return nil, err
			}
			d.space()
			continue
		case ']':
			d.i++
			d.depth--
			items := d.items[base:]
			out := make([]any, len(items))
			copy(out, items)
			clear(items)
			d.items = d.items[:base]
			return out, nil
		}
		return nil, d.unexpected("after array element")
	}
}

func (d *decoder) literal(word string) error {
	for j := 0; j < len(word); j++ {
		if d.i >= len(d.b) {
			return io.ErrUnexpectedEOF
		}
		if d.b[d.i] != word[j] {
			return d.unexpected(fmt.Sprintf("in literal %s (expecting %s)", word, quoteChar(word[j])))
		}
		d.i++
	}
	return nil
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its text.
func (d *decoder) number() (any, error) {
	start := d.i
	if d.b[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i >= len(d.b):
		return nil, io.ErrUnexpectedEOF
	case d.b[d.i] == '0':
		d.i++
	case d.b[d.i] >= '1' && d.b[d.i] <= '9':
		d.digits()
	default:
		return nil, d.unexpected("in numeric literal")
	}
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if err := d.someDigits(); err != nil {
			return nil, err
		}
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if err := d.someDigits(); err != nil {
			return nil, err
		}
	}
	return json.Number(d.b[start:d.i]), nil
}

func (d *decoder) digits() {
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
}

func (d *decoder) someDigits() error {
	if d.i >= len(d.b) {
		return io.ErrUnexpectedEOF
	}
	if c := d.b[d.i]; c < '0' || c > '9' {
		return d.unexpected("in numeric literal")
	}
	d.digits()
	return nil
}

// plain marks the bytes a string holds as they are: printable ASCII but the quote and backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string at d.i. Text without escapes or non-ASCII bytes is copied as is; the rest
// goes through unquote, which replaces invalid UTF-8 and lone surrogates as encoding/json does.
func (d *decoder) str(what string) (string, error) {
	d.i++
	start := d.i
	for d.i < len(d.b) && plain[d.b[d.i]] {
		d.i++
	}
	if d.i < len(d.b) && d.b[d.i] == '"' {
		d.i++
		return string(d.b[start : d.i-1]), nil
	}
	// Find the end, checking every byte the grammar forbids, then decode.
	for {
		if d.i >= len(d.b) {
			return "", io.ErrUnexpectedEOF
		}
		c := d.b[d.i]
		switch {
		case c == '"':
			s := unquote(d.b[start:d.i])
			d.i++
			return s, nil
		case c == '\\':
			if err := d.escape(); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.unexpected("in " + what)
		default:
			d.i++
		}
	}
}

// escape checks the escape sequence at d.i.
func (d *decoder) escape() error {
	d.i++
	if d.i >= len(d.b) {
		return io.ErrUnexpectedEOF
	}
	switch d.b[d.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		d.i++
		return nil
	case 'u':
		d.i++
		for range 4 {
			if d.i >= len(d.b) {
				return io.ErrUnexpectedEOF
			}
			if hexVal(d.b[d.i]) < 0 {
				return d.unexpected(`in \u hexadecimal character escape`)
			}
			d.i++
		}
		return nil
	}
	return d.unexpected("in string escape code")
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10)
	}
	return -1
}

// hex4 reads the four hexadecimal digits of a \u escape at s[0:]; -1 if they are not there.
func hex4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		v := hexVal(c)
		if v < 0 {
			return -1
		}
		r = r<<4 | v
	}
	return r
}

// unquote decodes the body of a string already checked by str.
func unquote(s []byte) string {
	out := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			switch e := s[i+1]; e {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(s[i:])
				i += 6
				if utf16.IsSurrogate(r) {
					if dec := utf16.DecodeRune(r, hex4(s[i:])); dec != unicode.ReplacementChar {
						i += 6
						out = utf8.AppendRune(out, dec)
						continue
					}
					r = unicode.ReplacementChar
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\', '/'
				out = append(out, e)
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			i += size
			out = utf8.AppendRune(out, r) // an invalid byte becomes U+FFFD
		}
	}
	return string(out)
}
