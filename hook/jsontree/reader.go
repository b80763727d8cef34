package jsontree

// Reader reads one JSON document in steps, so that a caller that needs only some members of an
// envelope object reads those members as they come and builds no map for the envelope itself.
// It is the same pass, under the same limits and with the same errors, as Decode: a document
// read member by member and one decoded whole are accepted or refused alike.
type Reader struct {
	d *decoder
}

// NewReader starts reading b within l. Close releases the reader; it must be called.
func NewReader(b []byte, l Limits) (*Reader, error) {
	d, err := start(b, l)
	if err != nil {
		return nil, err
	}
	return &Reader{d: d}, nil
}

// start takes a decoder from the pool for b.
func start(b []byte, l Limits) (*decoder, error) {
	if len(b) > l.MaxBytes {
		return nil, &LimitError{Limit: LimitSize, Max: l.MaxBytes, Got: len(b), Unit: "bytes"}
	}
	d := pool.Get().(*decoder)
	d.b, d.i, d.lim, d.depth, d.values = b, 0, l, 0, 0
	return d, nil
}

// Peek returns the first byte of the next value (white space skipped), 0 at the end of the text.
func (r *Reader) Peek() byte {
	r.d.space()
	if r.d.i >= len(r.d.b) {
		return 0
	}
	return r.d.b[r.d.i]
}

// Value decodes the next value into a tree, as Decode would.
func (r *Reader) Value() (any, error) {
	r.d.space()
	return r.d.value()
}

// Members reads the object that Peek reports as next ('{'), calling member with each key in the
// order of the text. member must read that member's value with exactly one call of Value or
// Members. A key given twice is a *DuplicateError, found when the object ends, as Decode finds it.
func (r *Reader) Members(member func(key string) error) error {
	d := r.d
	d.space()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return d.unexpected("looking for beginning of object")
	}
	// Envelope objects hold a dozen members: their keys fit here without an allocation.
	var small [16]string
	keys := small[:0]
	err := d.eachMember(func(k string) error {
		keys = append(keys, k)
		return member(k)
	})
	if err != nil {
		return err
	}
	if k, ok := repeated(keys); ok {
		return &DuplicateError{Key: k, Offset: d.i - 1}
	}
	return nil
}

// repeated returns the first key, in the order given, that keys hold twice.
func repeated(keys []string) (string, bool) {
	if len(keys) <= 16 {
		for i, k := range keys {
			for _, prev := range keys[:i] {
				if k == prev {
					return k, true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[k] {
			return k, true
		}
		seen[k] = true
	}
	return "", false
}

// Close checks that only white space follows the value read, and releases the reader. It returns
// the error Decode gives for trailing data.
func (r *Reader) Close() error {
	d := r.d
	if d == nil {
		return nil
	}
	r.d = nil
	d.space()
	var err error
	if d.i < len(d.b) {
		err = &SyntaxError{msg: ErrTrailingData.Error(), Offset: d.i}
	}
	// A read that stopped at an error leaves values on the stacks; the pool must not keep them.
	clear(d.members)
	clear(d.items)
	d.b, d.members, d.items = nil, d.members[:0], d.items[:0]
	pool.Put(d)
	return err
}
