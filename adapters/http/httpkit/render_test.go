package httpkit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/kit"
)

func TestRenderers(t *testing.T) {
	double := func(n int) int { return 2 * n }
	cases := []struct {
		name   string
		render httpkit.Render
		resp   any
		want   string
	}{
		{"data", httpkit.Data(double), kit.Response[int]{Data: 21}, `42`},
		{"as is", httpkit.AsIs, kit.Response[[]string]{Data: []string{"a"}}, `["a"]`},
		{"each", httpkit.Each(double), kit.Response[[]int]{Data: []int{1, 2}}, `[2,4]`},
		{"each of nothing is an empty list", httpkit.Each(double), kit.Response[[]int]{}, `[]`},
		{"paged", httpkit.Paged(double), kit.Response[kit.List[int]]{Data: kit.List[int]{Page: kit.Page{No: 2, Size: 1}, Total: 3, Items: []int{5}}},
			`{"total":3,"pages":3,"current_page":2,"page_size":1,"data":[10]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.render(tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(data)
			if string(b) != tc.want {
				t.Fatalf("rendered %s, want %s", b, tc.want)
			}
		})
	}
	t.Run("a response of another type is a wiring fault", func(t *testing.T) {
		if _, err := httpkit.Data(double)(kit.Response[string]{}); err == nil {
			t.Fatal("Data took a response of another type")
		}
		if _, err := httpkit.AsIs(struct{}{}); err == nil {
			t.Fatal("AsIs took a value that is no response")
		}
	})
}

func TestEncodeHandsTheResultOn(t *testing.T) {
	var got string
	enc := httpkit.Encode(func(_ context.Context, _ http.ResponseWriter, s string) error { got = s; return nil })
	if err := enc(context.Background(), httptest.NewRecorder(), kit.Response[string]{Data: "file"}); err != nil || got != "file" {
		t.Fatalf("got %q, %v", got, err)
	}
	if err := enc(context.Background(), httptest.NewRecorder(), kit.Response[int]{}); err == nil {
		t.Fatal("Encode took a response of another type")
	}
}
