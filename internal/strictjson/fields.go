package strictjson

import (
	"reflect"
	"slices"
	"strings"
	"sync"
)

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

// candidates are the fields of one name found at one embedding depth.
type candidates struct {
	f [2]field // [0] untagged, [1] tagged
	n [2]int
}

// computeFields finds the JSON members of struct type t breadth-first, one
// embedding depth at a time; a zero field marks an ambiguous name.
func computeFields(t reflect.Type) map[string]field {
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
			next = levelFields(st, times, found, next)
		}
		resolveFields(fs, found)
		level = next
	}
	return fs
}

// levelFields adds the fields of struct type st, embedded times at the
// current depth, to found, and returns next with the untagged embedded
// structs to visit at the next depth appended.
func levelFields(st reflect.Type, times int, found map[string]candidates, next []reflect.Type) []reflect.Type {
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
	return next
}

// resolveFields adds to fs the names found at one depth that no shallower
// field hides: a single tagged field wins, else a single untagged one, else
// the name is ambiguous and gets a zero field.
func resolveFields(fs map[string]field, found map[string]candidates) {
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
}
