package lint

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rcfge/rcfge/hook/jsonptr"
)

// lineIndex maps the JSON Pointer of every value in a JSON document to the 1-based line it starts
// on, so that findings point at the line an editor or a code-scanning UI shows. A document that is
// not valid JSON gives the lines of what could be read.
func lineIndex(body []byte) map[string]int {
	out := map[string]int{"": 1}
	dec := json.NewDecoder(bytes.NewReader(body))
	line := func() int {
		start := int(dec.InputOffset())
		for start < len(body) {
			switch body[start] {
			case ' ', '\t', '\r', '\n', ',', ':':
				start++
				continue
			}
			break
		}
		return 1 + bytes.Count(body[:start], []byte{'\n'})
	}
	var value func(ptr string) error
	value = func(ptr string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				child := jsonptr.Append(ptr, fmt.Sprint(key))
				out[child] = line()
				if err := value(child); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				child := fmt.Sprintf("%s/%d", ptr, i)
				out[child] = line()
				if err := value(child); err != nil {
					return err
				}
			}
			_, err = dec.Token()
			return err
		}
		return nil
	}
	_ = value("")
	return out
}

// lineOf returns the line of the pointer, or of its nearest ancestor the index holds (a pointer
// to a keyword that is absent, such as a missing additionalProperties, names its object).
func lineOf(index map[string]int, ptr string) int {
	for {
		if l, ok := index[ptr]; ok {
			return l
		}
		i := bytes.LastIndexByte([]byte(ptr), '/')
		if i < 0 {
			return 1
		}
		ptr = ptr[:i]
	}
}
