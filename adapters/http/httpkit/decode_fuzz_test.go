package httpkit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
)

// fuzzBody has the field types the routes' bodies use.
type fuzzBody struct {
	Name   string   `json:"name"`
	Count  int      `json:"count"`
	ID     *int64   `json:"id,omitempty"`
	On     *bool    `json:"on,omitempty"`
	IDs    []int64  `json:"ids,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Nested struct {
		X float64 `json:"x"`
	} `json:"nested"`
}

// FuzzDecodeJSON feeds the strict JSON body decoder every body a client
// could send: it never panics, a refusal is a 4xx bad-input error naming
// the field, and what it accepts round-trips: encoded again and decoded, it
// gives the same values.
func FuzzDecodeJSON(f *testing.F) {
	for _, b := range []string{
		`{"area":"86","account":"18656660930"}`, // app-api.txt send_code
		`{"area":"86","account":"18656660930","code":"123456","password":"password123"}`,
		`{"client_id":"xxxxxxx","client_type":"android"}`,
		`{"switch":false}`,
		`{"feedback_content":"反馈内容","feedback_category_id":1,"contact_phone":"18656660930"}`,
		`{"push_ids":[1,2,3]}`,
		`{"id": 281, "url": "www.xn---xn--nw5a-9h6sj467a.org", "project": "36hifl", "statu": 907}`, // wx-relay-api.txt
		`{"name":"a","count":2,"id":7,"on":true,"ids":[1,2],"tags":["x"],"nested":{"x":1.5}}`,
		`{"name":"a\u0000b"}`, `{"count":1e400}`, `{"count":9223372036854775808}`, `{"tags":["\ud800"]}`,
		`{} {}`, `[1,2]`, `null`, ``, `{"nmae":"a"}`, `{"name":"a","name":"b"}`,
	} {
		f.Add([]byte(b), false)
	}
	f.Add([]byte(``), true)
	f.Add([]byte(`{"`+strings.Repeat("n", 4096)+`":1}`), false) // a refusal names a long field in few words
	f.Add([]byte(`{"count":"`+strings.Repeat("9", 4096)+`"}`), false)
	f.Fuzz(func(t *testing.T, body []byte, allowEmpty bool) {
		var got fuzzBody
		decode := httpkit.DecodeJSON
		if allowEmpty {
			decode = httpkit.DecodeOptionalJSON
		}
		err := decode(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body))), &got)
		if err != nil {
			httpkittest.WantRefusal(t, "DecodeJSON("+strconv.Quote(string(body))+")", err)
			return
		}
		again, merr := json.Marshal(got)
		if merr != nil {
			t.Fatalf("accepted %q but cannot encode %+v: %v", body, got, merr)
		}
		again = withoutNulls(t, again)
		var back fuzzBody
		if err := httpkit.DecodeJSON(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(again))), &back); err != nil {
			t.Fatalf("accepted %q, re-encoded as %s, refused: %v", body, again, err)
		}
		if twice := withoutNulls(t, mustMarshal(t, back)); string(twice) != string(again) {
			t.Fatalf("accepted %q as %s, round trip gives %s", body, again, twice)
		}
	})
}

// withoutNulls drops the members an encoder wrote as null (nil pointers
// and slices): the decoder refuses null, a client leaves the field out.
func withoutNulls(t *testing.T, obj []byte) []byte {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(obj)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("re-encoded body %s: %v", obj, err)
	}
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzParsePage feeds page_no and page_size: a refusal is a 4xx naming the
// parameter; an accepted page is within bounds, is the number sent, and
// reads back the same from its canonical query.
func FuzzParsePage(f *testing.F) {
	for _, q := range []string{"", "page_no=1&page_size=20", "page_no=3&page_size=5", "page_no=9223372036854775807",
		"page_no=9223372036854775808", "page_no=0", "page_no=-1", "page_no=+2", "page_no=002", "page_size=101",
		"page_size=abc", "page_no=1&page_no=2", "page_no=%zz", "page_no= 1", "page_no=" + strings.Repeat("x", 4096)} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p, err := httpkit.ParsePage(&http.Request{URL: &url.URL{Path: "/", RawQuery: query}})
		if err != nil {
			httpkittest.WantRefusal(t, "ParsePage("+strconv.Quote(query)+")", err, "page_no", "page_size")
			return
		}
		if p.No < 1 || p.Size < 1 || p.Size > httpkit.MaxPageSize {
			t.Fatalf("ParsePage(%q) = %+v: out of bounds", query, p)
		}
		q, _ := url.ParseQuery(query)
		if v := q.Get("page_no"); v != "" {
			if n, _ := strconv.Atoi(v); n != p.No {
				t.Fatalf("ParsePage(%q) = %+v: page_no %q read as %d", query, p, v, p.No)
			}
		}
		canon := "page_no=" + strconv.Itoa(p.No) + "&page_size=" + strconv.Itoa(p.Size)
		back, err := httpkit.ParsePage(&http.Request{URL: &url.URL{Path: "/", RawQuery: canon}})
		if err != nil || back != p {
			t.Fatalf("ParsePage(%q) = %+v, but %q reads as %+v, %v", query, p, canon, back, err)
		}
	})
}

// FuzzParseID feeds path and query ids: a refusal is a 4xx naming the
// parameter; an accepted id is positive and reads back from its decimal
// form.
func FuzzParseID(f *testing.F) {
	for _, v := range []string{"1", "281", "435", "0", "-1", "+7", "007", "9223372036854775807", "9223372036854775808", "1e3", "", " 1", "x", strings.Repeat("7x", 2048)} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		id, err := httpkit.ParseID("id", v)
		if err != nil {
			httpkittest.WantRefusal(t, "ParseID("+strconv.Quote(v)+")", err, "id")
			return
		}
		if id <= 0 {
			t.Fatalf("ParseID(%q) = %d, not positive", v, id)
		}
		if back, err := httpkit.ParseID("id", strconv.FormatInt(id, 10)); err != nil || back != id {
			t.Fatalf("ParseID(%q) = %d, but its decimal form reads as %d, %v", v, id, back, err)
		}
	})
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
