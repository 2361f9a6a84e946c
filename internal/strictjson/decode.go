// Package strictjson decodes JSON request bodies strictly: duplicate keys,
// unknown fields and values of the wrong type are all reported at once, each
// with the path of the offending field, and nothing is decoded unless the
// whole document is acceptable.
package strictjson

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

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
