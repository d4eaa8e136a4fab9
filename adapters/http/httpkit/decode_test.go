package httpkit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/shared"
)

type sample struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	On    bool   `json:"on"`
}

func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		name       string
		body       string
		allowEmpty bool
		limit      int64
		field      string // "" means success
		code       string
	}{
		{name: "valid", body: `{"name":"a","count":2,"on":true}`},
		{name: "empty allowed", body: ``, allowEmpty: true},
		{name: "empty refused", body: `  `, field: "body"},
		{name: "malformed", body: `{"name":`, field: "body"},
		{name: "syntax error", body: `{"name" "a"}`, field: "body"},
		{name: "wrong type string", body: `{"name":1}`, field: "name"},
		{name: "wrong type int", body: `{"count":"2"}`, field: "count"},
		{name: "fraction for int", body: `{"count":1.5}`, field: "count"},
		{name: "unknown field", body: `{"nmae":"a"}`, field: "nmae"},
		{name: "not an object", body: `[1,2]`, field: "body"},
		{name: "two values", body: `{} {}`, field: "body"},
		{name: "NUL in a field", body: `{"name":"a\u0000b"}`, field: "name"},
		{name: "over the limit", body: `{"name":"` + strings.Repeat("x", 100) + `"}`, limit: 50, code: ErrBodyTooLarge.Code},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.limit > 0 {
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, tc.limit)
			}
			var dst sample
			decode := DecodeJSON
			if tc.allowEmpty {
				decode = DecodeOptionalJSON
			}
			err := decode(r, &dst)
			if tc.field == "" && tc.code == "" {
				if err != nil {
					t.Fatalf("want success, got %v", err)
				}
				return
			}
			var e *shared.Error
			if !errors.As(err, &e) {
				t.Fatalf("want a domain error, got %v", err)
			}
			if tc.code != "" {
				if e.Code != tc.code {
					t.Fatalf("code = %q, want %q", e.Code, tc.code)
				}
				return
			}
			if e.Kind != shared.KindInvalid || e.Field != tc.field {
				t.Fatalf("got kind %v field %q (%v), want invalid %q", e.Kind, e.Field, e, tc.field)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	cases := []struct {
		query    string
		no, size int
		bad      string
	}{
		{query: "", no: 1, size: DefaultPageSize},
		{query: "page_no=3&page_size=5", no: 3, size: 5},
		{query: "page_size=100", no: 1, size: 100},
		{query: "page_no=0", bad: "page_no"},
		{query: "page_no=x", bad: "page_no"},
		{query: "page_size=101", bad: "page_size"},
		{query: "page_size=-1", bad: "page_size"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			p, err := ParsePage(httptest.NewRequest(http.MethodGet, "/?"+tc.query, nil))
			if tc.bad != "" {
				var e *shared.Error
				if !errors.As(err, &e) || e.Field != tc.bad {
					t.Fatalf("want invalid %s, got %v", tc.bad, err)
				}
				return
			}
			if err != nil || p.No != tc.no || p.Size != tc.size {
				t.Fatalf("got %+v, %v; want no %d size %d", p, err, tc.no, tc.size)
			}
		})
	}
}

func TestNewPage(t *testing.T) {
	cases := []struct {
		name        string
		total       int64
		size, pages int
	}{
		{"empty", 0, 20, 0},
		{"one partial page", 3, 20, 1},
		{"exact pages", 40, 20, 2},
		{"one over", 41, 20, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPage[int](kit.Page{No: 1, Size: tc.size}, tc.total, nil)
			if p.Pages != int64(tc.pages) || p.Data == nil {
				t.Fatalf("pages = %d (data nil: %v), want %d", p.Pages, p.Data == nil, tc.pages)
			}
		})
	}
}

type fam struct{ prefixes []string }

func (f fam) Prefixes() []string                                   { return f.prefixes }
func (f fam) WriteError(http.ResponseWriter, *http.Request, error) {}

func TestFamiliesFor(t *testing.T) {
	app, v3, wx := fam{[]string{"/api/"}}, fam{[]string{"/api/v3/", "/activitys_for_wx/"}}, fam{[]string{"/wx/"}}
	fs := Families{app, v3, wx}
	cases := map[string]Family{
		"/api/auth/register":         app,
		"/api/v3/activitys_for_wx/1": v3,
		"/activitys_for_wx/1/exist":  v3,
		"/wx/push/queryPushProject":  wx,
		"/nowhere":                   app,
	}
	for path, want := range cases {
		if got := fs.For(path); got.Prefixes()[0] != want.Prefixes()[0] {
			t.Errorf("For(%s) = %v, want %v", path, got.Prefixes(), want.Prefixes())
		}
	}
}

func TestStatus(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{ErrMethodNotAllowed, http.StatusMethodNotAllowed},
		{ErrBodyTooLarge, http.StatusRequestEntityTooLarge},
		{shared.Invalid("x", "bad"), http.StatusBadRequest},
		{shared.NotFound("thing"), http.StatusNotFound},
		{shared.ErrUnauthenticated, http.StatusUnauthorized},
		{shared.Forbidden("no"), http.StatusForbidden},
		{shared.Conflict("c", "taken"), http.StatusConflict},
		{errors.New("boom"), http.StatusInternalServerError},
	}
	for _, tc := range cases {
		if got := Status(tc.err); got != tc.want {
			t.Errorf("Status(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestDecodeJSONRefusesNull(t *testing.T) {
	cases := []struct{ name, body, field string }{
		{"top-level field", `{"a":"x","b":null}`, "b"},
		{"inside an array", `{"a":[1,null]}`, "a"},
		{"inside a nested object", `{"a":{"k":null},"b":1}`, "a"},
		{"the body itself", `null`, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var dst map[string]any
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			err := DecodeJSON(r, &dst)
			e, ok := AsError(err)
			if !ok || e.Field != tc.field || !strings.Contains(e.Error(), "null") {
				t.Fatalf("DecodeJSON(%s) = %v, want a null refusal naming %s", tc.body, err, tc.field)
			}
		})
	}
	var dst map[string]any
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"null","b":["nullable"]}`))
	if err := DecodeJSON(r, &dst); err != nil {
		t.Fatalf("the text null inside strings was refused: %v", err)
	}
}

func TestQueryValueRefusesEmpty(t *testing.T) {
	r := httptest.NewRequest("GET", "/?page_no=&page_size=5", nil)
	if _, err := ParsePage(r); err == nil || !strings.Contains(err.Error(), "page_no is empty") {
		t.Fatalf("ParsePage(page_no=) = %v, want an error naming the empty page_no", err)
	}
	r = httptest.NewRequest("GET", "/?page_size=5", nil)
	if p, err := ParsePage(r); err != nil || p.No != 1 || p.Size != 5 {
		t.Fatalf("ParsePage(page_size=5) = %+v, %v", p, err)
	}
}

func TestCheckText(t *testing.T) {
	type inner struct{ Tags []string }
	type req struct {
		MemberID  string
		AppKey    *string
		MemberIDs []string
		Inner     inner
		Fields    map[string]string
		Body      []byte
	}
	bad := "a\xffb"
	cases := []struct {
		name  string
		req   any
		field string // "" means accepted
	}{
		{"text", req{MemberID: "张三", Body: []byte("\xff\x00")}, ""},
		{"invalid UTF-8", req{MemberID: bad}, "member_id"},
		{"NUL behind a pointer", req{AppKey: &[]string{"a\x00"}[0]}, "app_key"},
		{"in a slice", req{MemberIDs: []string{"ok", bad}}, "member_ids"},
		{"nested", req{Inner: inner{Tags: []string{bad}}}, "tags"},
		{"a map value", req{Fields: map[string]string{"member_phone": bad}}, "member_phone"},
		{"a map key", req{Fields: map[string]string{bad: "x"}}, "fields"},
		{"a bare string", bad, "request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckText(tc.req)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				return
			}
			var e *shared.Error
			if !errors.As(err, &e) || e.Kind != shared.KindInvalid || e.Field != tc.field {
				t.Fatalf("want invalid %s, got %v", tc.field, err)
			}
		})
	}
}
