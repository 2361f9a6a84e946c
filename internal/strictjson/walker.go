package strictjson

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/roster-cc/roster/internal/roster"
)

// walker checks a token stream against a Go type. Its methods return an error
// only when the stream itself is broken; violations are collected in vs.
type walker struct {
	dec  *json.Decoder
	size int
	path []byte   // path of the current value, built in place
	keys []string // keys of the open objects, for duplicate detection
	vs   []roster.Violation
}

func (w *walker) syntax(err error) roster.Violation {
	msg, offset := err.Error(), int64(w.size)
	if se := (*json.SyntaxError)(nil); errors.As(err, &se) {
		offset = se.Offset
	} else if err == io.EOF || err == io.ErrUnexpectedEOF {
		msg = "unexpected end of input"
	}
	return syntaxViolation(fmt.Sprintf("the body is not valid JSON: %s at offset %d", msg, offset))
}

func (w *walker) add(code, msg string) {
	w.vs = append(w.vs, roster.Violation{Field: string(w.path), Message: msg, Code: code})
}

// wrong records a violation and skips the value that starts with tok.
func (w *walker) wrong(tok json.Token, code, msg string) error {
	w.add(code, msg)
	return w.skip(tok)
}

// skip consumes the rest of the value that starts with tok.
func (w *walker) skip(tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// value checks the value starting with tok against t; a nil t accepts any
// value that decodes into an interface. quoted is the ",string" tag option.
func (w *walker) value(tok json.Token, t reflect.Type, quoted bool) error {
	if tok == nil {
		return nil // null is "absent" for every type
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() == reflect.Interface {
		return w.any(tok)
	}
	if t == numberType {
		if _, ok := tok.(json.Number); !ok {
			return w.wrong(tok, roster.VWrongType, "must be a number")
		}
		return nil
	}
	o, pt, k := objectOf(t), reflect.PointerTo(t), t.Kind()
	if o == nil && (t.Implements(unmarshalerType) || pt.Implements(unmarshalerType)) {
		return w.skip(tok) // opaque
	}
	text := o == nil && (quoted || k == reflect.String ||
		t.Implements(textUnmarshalerType) || pt.Implements(textUnmarshalerType))
	if !accepts(tok, t, text, o != nil) {
		return w.wrong(tok, roster.VWrongType, expected(k, text, o != nil))
	}
	if s, ok := tok.(string); ok && strings.ContainsRune(s, 0) {
		// No database stores it, and no name or id needs it.
		w.add(roster.VInvalidChars, "must not contain the NUL character (\\u0000)")
		return nil
	}
	return w.contents(tok, t, o, text)
}

// accepts reports whether the JSON kind of tok suits t (not a pointer or an
// interface). text means t decodes from a string; object means t is an Object.
func accepts(tok json.Token, t reflect.Type, text, object bool) bool {
	k := t.Kind()
	switch tk := tok.(type) {
	case string:
		return text || k == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case bool:
		return !text && k == reflect.Bool
	case json.Number:
		return !text && k >= reflect.Int && k <= reflect.Float64
	case json.Delim:
		return !text && (tk == '[' && (k == reflect.Slice || k == reflect.Array) ||
			tk == '{' && (object || k == reflect.Struct || k == reflect.Map))
	}
	return false
}

// contents checks the value starting with tok, whose JSON kind accepts has
// approved, against t: the members of an object, the elements of an array,
// the encoding of a byte string or the range of a number. o is t's Object, if
// any; text means t decodes from a string, which needs no further check.
func (w *walker) contents(tok json.Token, t reflect.Type, o Object, text bool) error {
	k := t.Kind()
	switch {
	case o != nil:
		return w.object(func(key string) (reflect.Type, bool, string, string) {
			if ft, ok := o.JSONFieldType(key); ok {
				return ft, false, "", ""
			}
			return nil, false, roster.VUnknown, "unknown field"
		})
	case text:
		return nil
	case k == reflect.Struct:
		fs := structFields(t)
		return w.object(func(key string) (reflect.Type, bool, string, string) {
			if f := fs[key]; f.typ != nil {
				return f.typ, f.quoted, "", ""
			}
			return nil, false, roster.VUnknown, "unknown field"
		})
	case k == reflect.Map:
		return w.mapValue(t)
	case k == reflect.Slice || k == reflect.Array:
		if s, ok := tok.(string); ok {
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				w.add(roster.VWrongType, "must be a base64 string")
			}
			return nil
		}
		return w.array(t.Elem())
	}
	if n, ok := tok.(json.Number); ok {
		if code, msg := checkNumber(string(n), t); code != "" {
			w.add(code, msg)
		}
	}
	return nil
}

// expected is the message for a value of the wrong JSON kind.
func expected(k reflect.Kind, text, object bool) string {
	switch {
	case text:
		return "must be a string"
	case object || k == reflect.Struct || k == reflect.Map:
		return "must be an object"
	case k == reflect.Slice || k == reflect.Array:
		return "must be an array"
	case k == reflect.Bool:
		return "must be a boolean"
	case k == reflect.Float32 || k == reflect.Float64:
		return "must be a number"
	case k >= reflect.Int && k <= reflect.Uintptr:
		return "must be an integer"
	}
	return "cannot be set"
}

// mapValue walks an object decoded into a map; '{' has been read.
func (w *walker) mapValue(t reflect.Type) error {
	kt, et := t.Key(), t.Elem()
	kk := kt.Kind()
	if reflect.PointerTo(kt).Implements(textUnmarshalerType) {
		kk = reflect.String
	} else if kk < reflect.Int || kk > reflect.Uintptr && kk != reflect.String {
		return w.wrong(json.Delim('{'), roster.VWrongType, "cannot be set")
	}
	return w.object(func(key string) (reflect.Type, bool, string, string) {
		if kk != reflect.String {
			if code, msg := checkNumber(key, kt); code != "" {
				return nil, false, code, "key " + msg
			}
		}
		return et, false, "", ""
	})
}

// any checks a value decoded into an interface: only numbers can fail.
func (w *walker) any(tok json.Token) error {
	switch tok {
	case json.Delim('{'):
		return w.object(func(string) (reflect.Type, bool, string, string) { return nil, false, "", "" })
	case json.Delim('['):
		return w.array(nil)
	}
	if n, ok := tok.(json.Number); ok {
		if _, err := strconv.ParseFloat(string(n), 64); err != nil {
			w.add(roster.VOutOfRange, "is out of range")
		}
	}
	return nil
}

// object walks the members of an object whose '{' has been read. lookup
// returns the type of a key's value, or a violation code and message.
func (w *walker) object(lookup func(key string) (t reflect.Type, quoted bool, code, msg string)) error {
	base, kbase := len(w.path), len(w.keys)
	var set map[string]struct{} // used instead of w.keys for large objects
	defer func() { w.path, w.keys = w.path[:base], w.keys[:kbase] }()
	for {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key := tok.(string)
		w.path = w.path[:base]
		if base > 0 {
			w.path = append(w.path, '.')
		}
		w.path = append(w.path, key...)
		var dup bool
		if set == nil {
			dup = slices.Contains(w.keys[kbase:], key)
			if w.keys = append(w.keys, key); len(w.keys)-kbase > 32 {
				set = make(map[string]struct{}, 64)
				for _, k := range w.keys[kbase:] {
					set[k] = struct{}{}
				}
			}
		} else if _, dup = set[key]; !dup {
			set[key] = struct{}{}
		}
		if tok, err = w.dec.Token(); err != nil {
			return err
		}
		t, quoted, code, msg := reflect.Type(nil), false, roster.VDuplicate, "duplicate key"
		if !dup {
			t, quoted, code, msg = lookup(key)
		}
		if code != "" {
			err = w.wrong(tok, code, msg)
		} else {
			err = w.value(tok, t, quoted)
		}
		if err != nil {
			return err
		}
	}
}

// array walks the elements of an array whose '[' has been read.
func (w *walker) array(elem reflect.Type) error {
	base := len(w.path)
	defer func() { w.path = w.path[:base] }()
	for i := 0; ; i++ {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			return nil
		}
		w.path = append(w.path[:base], '[')
		w.path = append(strconv.AppendInt(w.path, int64(i), 10), ']')
		if err := w.value(tok, elem, false); err != nil {
			return err
		}
	}
}

// objectOf returns a value of t (or *t) implementing Object, or nil.
func objectOf(t reflect.Type) Object {
	if t.Implements(objectType) {
		o, _ := reflect.Zero(t).Interface().(Object)
		return o
	}
	if reflect.PointerTo(t).Implements(objectType) {
		return reflect.New(t).Interface().(Object)
	}
	return nil
}

// checkNumber checks that the JSON number s fits the numeric type t.
func checkNumber(s string, t reflect.Type) (code, msg string) {
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(s, 10, t.Bits())
	case reflect.Float32, reflect.Float64:
		_, err = strconv.ParseFloat(s, t.Bits())
	default:
		if _, err = strconv.ParseUint(s, 10, t.Bits()); err != nil && len(s) > 1 && s[0] == '-' &&
			strings.Trim(s[1:], "0123456789") == "" {
			err = strconv.ErrRange // a negative integer
		}
	}
	switch {
	case err == nil:
		return "", ""
	case errors.Is(err, strconv.ErrRange):
		return roster.VOutOfRange, "is out of range"
	}
	return roster.VWrongType, expected(t.Kind(), false, false)
}
