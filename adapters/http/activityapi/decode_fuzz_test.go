package activityapi

import (
	"encoding/json"
	"maps"
	"net/url"
	"strconv"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
)

// fieldTypes are the Content-Type headers WeChat-side bodies come with.
var fieldTypes = []string{"application/json; charset=utf-8", "application/x-www-form-urlencoded;charset=utf-8", "", "text/plain"}

// FuzzParseFields feeds the WeChat-side body reader (JSON, JSON quoted the
// way the seed's samples quote, or a form): a refusal is a 4xx naming the
// problem; accepted fields read back the same from a JSON object and from
// a form of the same fields.
func FuzzParseFields(f *testing.F) {
	for _, b := range []string{
		"{\n  \"member_icon\": \"xxx\",\n  \"member_nickname\": \"abc”,\n  \"member_id\": “xxxx”\n}", // activities-api.txt
		"{\n      'member_id':'1',\n      'member_icon':'xxx',\n      'member_nickname':'xxx'\n}",
		`{"member_id":"m1","member_real_name":"Li Lei","member_phone":13800000000,"ok":true,"none":null}`,
		"access_token=xxx&access_type=org&member_id=1", `{"a":{"b":1}}`, `{"a":"1"} {}`, "a=1&a=2", "%zz", "",
		`{'it\'s':'a \"b\"'}`,
	} {
		f.Add(uint8(0), []byte(b))
	}
	f.Add(uint8(1), []byte("member_id=1&member_icon=xxx"))
	f.Fuzz(func(t *testing.T, ct uint8, body []byte) {
		contentType := fieldTypes[int(ct)%len(fieldTypes)]
		got, err := parseFields(contentType, body)
		if err == nil {
			err = httpkit.CheckText(map[string]string(got)) // as every route's decoding ends
		}
		if err != nil {
			httpkittest.WantRefusal(t, "parseFields("+strconv.Quote(contentType)+", "+strconv.Quote(string(body))+")", err)
			return
		}
		asJSON, _ := json.Marshal(map[string]string(got))
		form := url.Values{}
		for k, v := range got {
			form.Set(k, v)
		}
		for _, again := range []struct{ ct, body string }{{fieldTypes[0], string(asJSON)}, {fieldTypes[1], form.Encode()}} {
			back, err := parseFields(again.ct, []byte(again.body))
			if err != nil || !maps.Equal(back, got) {
				t.Fatalf("%q reads as %q, but %s %q reads as %q, %v", body, got, again.ct, again.body, back, err)
			}
		}
	})
}
