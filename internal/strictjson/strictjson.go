// Package strictjson decodes JSON request bodies strictly: duplicate keys,
// unknown fields and values of the wrong type are all reported at once, each
// with the path of the offending field, and nothing is decoded unless the
// whole document is acceptable.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/roster-cc/roster/internal/roster"
)

// Object is implemented by map-like types whose allowed keys and value types
// are known. Decode checks such a type even when it implements
// json.Unmarshaler: the value must be a JSON object, every key must be
// accepted by JSONFieldType, and each value is checked against the returned
// type (a nil type accepts any value).
type Object interface {
	JSONFieldType(key string) (reflect.Type, bool)
}

var (
	objectType          = reflect.TypeFor[Object]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	numberType          = reflect.TypeFor[json.Number]()
)

// Decode decodes the JSON document data into v (a non-nil pointer) strictly.
// Every problem is reported as a roster.Violation inside one EINVALID
// *roster.Error; when there is any, v is left untouched.
func Decode(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &roster.Error{Code: roster.EINTERNAL, Message: "An internal error occurred.",
			Err: &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec, size: len(data)}
	tok, err := dec.Token()
	if err == io.EOF {
		return roster.Invalid(syntaxViolation("the body is empty; expected a JSON value"))
	}
	if err == nil {
		err = w.value(tok, rv.Type().Elem(), false)
	}
	if err != nil {
		return roster.Invalid(w.syntax(err))
	}
	if len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		return roster.Invalid(syntaxViolation("unexpected data after the JSON value"))
	}
	if len(w.vs) > 0 {
		return roster.Invalid(w.vs...)
	}
	if err := json.Unmarshal(data, v); err != nil { // not expected after the walk
		e := roster.Invalid(syntaxViolation("the body could not be decoded"))
		if te := (*json.UnmarshalTypeError)(nil); errors.As(err, &te) {
			e.Violations[0] = roster.Violation{Field: te.Field, Code: roster.VWrongType, Message: "cannot be a JSON " + te.Value}
		}
		e.Err = err
		return e
	}
	return nil
}

// DecodeReader reads at most limit bytes from r and decodes them with Decode.
// A longer body yields an ETOOLARGE *roster.Error.
func DecodeReader(r io.Reader, limit int64, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return &roster.Error{Code: roster.EINVALID, Message: "The request body could not be read.", Err: err}
	}
	if int64(len(data)) > limit {
		return &roster.Error{Code: roster.ETOOLARGE,
			Message: fmt.Sprintf("The request body is larger than %d bytes.", limit)}
	}
	return Decode(data, v)
}

func syntaxViolation(msg string) roster.Violation {
	return roster.Violation{Code: roster.VSyntax, Message: msg}
}

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
	var ok bool
	switch tk := tok.(type) {
	case string:
		ok = text || k == reflect.Slice && t.Elem().Kind() == reflect.Uint8
	case bool:
		ok = !text && k == reflect.Bool
	case json.Number:
		ok = !text && k >= reflect.Int && k <= reflect.Float64
	case json.Delim:
		ok = !text && (tk == '[' && (k == reflect.Slice || k == reflect.Array) ||
			tk == '{' && (o != nil || k == reflect.Struct || k == reflect.Map))
	}
	if !ok {
		return w.wrong(tok, roster.VWrongType, expected(k, text, o != nil))
	}
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

// field is a JSON member of a struct.
type field struct {
	typ    reflect.Type
	quoted bool
}

var fieldCache sync.Map // reflect.Type -> map[string]field

// structFields returns the JSON members of struct type t by exact name,
// following encoding/json's rules for tags and embedded structs.
func structFields(t reflect.Type) map[string]field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(map[string]field)
	}
	fs, _ := fieldCache.LoadOrStore(t, computeFields(t))
	return fs.(map[string]field)
}

func computeFields(t reflect.Type) map[string]field {
	type candidates struct {
		f [2]field // [0] untagged, [1] tagged
		n [2]int
	}
	fs := map[string]field{} // a zero field marks an ambiguous name
	visited := map[reflect.Type]bool{}
	for level := []reflect.Type{t}; len(level) > 0; {
		var next []reflect.Type
		found := map[string]candidates{}
		for _, st := range level {
			if visited[st] {
				continue
			}
			visited[st] = true
			times := 0 // embedding st twice at one depth hides its fields
			for _, s := range level {
				if s == st {
					times++
				}
			}
			for i := range st.NumField() {
				sf := st.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if !sf.IsExported() && (!sf.Anonymous || ft.Kind() != reflect.Struct || ft != sf.Type) {
					continue // encoding/json ignores or cannot set it
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
					next = append(next, ft)
					continue
				}
				k := ft.Kind()
				f := field{typ: sf.Type, quoted: slices.Contains(strings.Split(opts, ","), "string") &&
					(k == reflect.Bool || k == reflect.String || k >= reflect.Int && k <= reflect.Float64)}
				tagged := 0
				if name != "" {
					tagged = 1
				} else {
					name = sf.Name
				}
				c := found[name]
				c.f[tagged], c.n[tagged] = f, c.n[tagged]+times
				found[name] = c
			}
		}
		for name, c := range found {
			if _, hidden := fs[name]; hidden {
				continue // a shallower field wins
			}
			switch {
			case c.n[1] == 1:
				fs[name] = c.f[1]
			case c.n[1] == 0 && c.n[0] == 1:
				fs[name] = c.f[0]
			default:
				fs[name] = field{}
			}
		}
		level = next
	}
	return fs
}
