package httpkit

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/campushub/campushub/domain/shared"
)

// CheckText refuses a decoded request holding text that no database the
// service supports stores: a string, anywhere inside it, that is not UTF-8
// or holds a NUL character. Query values, path segments, form fields and
// the loosely read JSON bodies can all carry such bytes; refused here, they
// answer 400 instead of failing in storage as a 500. The error names the
// request field (in snake case) where the text was found.
func CheckText(req any) error {
	field, s, bad := badText(reflect.ValueOf(req), "", 0)
	if !bad {
		return nil
	}
	if field == "" {
		field = "request"
	}
	if strings.ContainsRune(s, 0) {
		return shared.Invalid(field, "%s must not contain NUL characters", field)
	}
	return shared.Invalid(field, "%s must be UTF-8 text, got %q", field, s)
}

func badText(v reflect.Value, field string, depth int) (string, string, bool) {
	if !v.IsValid() || depth > 32 {
		return "", "", false
	}
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return field, s, true
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return badText(v.Elem(), field, depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if f, s, bad := badText(v.Field(i), snake(t.Field(i).Name), depth+1); bad {
				return f, s, true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", "", false // bytes as received, not text
		}
		for i := range v.Len() {
			if f, s, bad := badText(v.Index(i), field, depth+1); bad {
				return f, s, true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			name := field
			if k := it.Key(); k.Kind() == reflect.String && utf8.ValidString(k.String()) && !strings.ContainsRune(k.String(), 0) {
				name = k.String()
			}
			if f, s, bad := badText(it.Key(), name, depth+1); bad {
				return f, s, true
			}
			if f, s, bad := badText(it.Value(), name, depth+1); bad {
				return f, s, true
			}
		}
	}
	return "", "", false
}

// snake turns a Go field name into the wire's spelling: MemberID becomes
// member_id, AppKey app_key, URL url, MemberIDs member_ids.
func snake(name string) string {
	var b strings.Builder
	runes := []rune(strings.ReplaceAll(name, "IDs", "Ids"))
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
