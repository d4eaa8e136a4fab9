package wxapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
	appwx "github.com/campushub/campushub/app/wxrelay"
)

const (
	formCT = "application/x-www-form-urlencoded;charset=utf-8"
	jsonCT = "application/json; charset=utf-8"
)

func addRequest(query, contentType, body string) (appwx.AddProjectRequest, error) {
	r := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/wx/push/addPushProject", RawQuery: query},
		Header: http.Header{"Content-Type": {contentType}}, Body: http.NoBody}
	if body != "" {
		r.Body = io.NopCloser(strings.NewReader(body))
	}
	req, err := decodeAdd(context.Background(), r)
	if err == nil {
		err = httpkit.CheckText(req) // as every route's decoding ends
	}
	if err != nil {
		return appwx.AddProjectRequest{}, err
	}
	return req.(appwx.AddProjectRequest), nil
}

// FuzzAddProjectForm feeds addPushProject its url and project as the seed
// sends them (a form body), in the query, or as JSON: a refusal is a 4xx
// naming the problem; what is accepted reads back the same from a form, a
// query and a JSON body.
func FuzzAddProjectForm(f *testing.F) {
	f.Add("", uint8(0), "url=www.xn---xn--nw5a-9h6sj467a.org&project=ppuqpx") // wx-relay-api.txt
	f.Add("url=https%3A%2F%2Fhooks.example.org%2Fa&project=alpha", uint8(0), "")
	f.Add("", uint8(1), `{"url":"https://hooks.example.org/a","project":"alpha"}`)
	f.Add("project=a", uint8(0), "url=x&url=y&%zz")
	f.Fuzz(func(t *testing.T, query string, json1 uint8, body string) {
		ct := formCT
		if json1%2 == 1 {
			ct = jsonCT
		}
		got, err := addRequest(query, ct, body)
		if err != nil {
			httpkittest.WantRefusal(t, "addPushProject "+strconv.Quote(query)+" "+strconv.Quote(body), err)
			return
		}
		form := url.Values{"url": {got.URL}, "project": {got.Name}}.Encode()
		asJSON, _ := json.Marshal(map[string]string{"url": got.URL, "project": got.Name})
		for _, again := range []struct{ query, ct, body string }{{"", formCT, form}, {form, formCT, ""}, {"", jsonCT, string(asJSON)}} {
			back, err := addRequest(again.query, again.ct, again.body)
			if err != nil || back != got {
				t.Fatalf("%q %q reads as %+v, but %+v reads as %+v, %v", query, body, got, again, back, err)
			}
		}
	})
}
