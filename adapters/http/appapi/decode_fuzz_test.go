package appapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit/httpkittest"
	apppush "github.com/campushub/campushub/app/push"
)

// countIDs decodes GET /api/message/count with query.
func countIDs(query string) ([]int64, error) {
	req, err := decodeCount(context.Background(), &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/message/count", RawQuery: query}})
	if err != nil {
		return nil, err
	}
	return req.(apppush.CountRequest).Read, nil
}

// FuzzPushIDs feeds push_ids in every spelling clients use: a refusal is a
// 4xx naming push_ids; accepted ids are positive, at most MaxReadIDs, and
// read the same from each of the other spellings.
func FuzzPushIDs(f *testing.F) {
	for _, q := range []string{
		"push_ids=[1,2,3]", // app-api.txt: 推送id数组/列表,如:[1,2,3]
		"push_ids=1,2,3", "push_ids=1&push_ids=2", "push_ids[]=1&push_ids[]=2", "push_ids%5B%5D=1",
		"push_ids=%5B1%2C2%5D", "push_ids=", "push_ids=,,", "push_ids=[]", "push_ids=[0]", "push_ids=-1",
		"push_ids=[1.5]", "push_ids=[\"1\"]", "push_ids=9223372036854775808", "push_ids=1,x", "push_ids=[1,2",
		"push_ids=%zz", "", "push_ids=" + strings.Repeat("1x", 2048),
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		ids, err := countIDs(query)
		if err != nil {
			httpkittest.WantRefusal(t, "push_ids "+strconv.Quote(query), err, "push_ids")
			return
		}
		if len(ids) > apppush.MaxReadIDs {
			t.Fatalf("%q: %d ids accepted, at most %d allowed", query, len(ids), apppush.MaxReadIDs)
		}
		text := make([]string, len(ids))
		for i, id := range ids {
			if id <= 0 {
				t.Fatalf("%q: id %d accepted", query, id)
			}
			text[i] = strconv.FormatInt(id, 10)
		}
		repeated, brackets := url.Values{"push_ids": text}, url.Values{"push_ids[]": text}
		for _, again := range []string{
			"push_ids=" + strings.Join(text, ","),
			"push_ids=" + url.QueryEscape("["+strings.Join(text, ",")+"]"),
			repeated.Encode(), brackets.Encode(),
		} {
			back, err := countIDs(again)
			if err != nil || !slices.Equal(back, ids) {
				t.Fatalf("%q reads as %v, but %q reads as %v, %v", query, ids, again, back, err)
			}
		}
	})
}
