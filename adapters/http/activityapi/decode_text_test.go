package activityapi

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/campushub/campushub/domain/shared"
)

// TestReadFieldsNamesBadTextByWireName: NUL or bytes that are not UTF-8
// in a WeChat-side body are refused naming the field as the client sent
// it (member_icon), not as the decoded request calls it (icon).
func TestReadFieldsNamesBadTextByWireName(t *testing.T) {
	const form, json = "application/x-www-form-urlencoded", "application/json"
	cases := []struct{ name, ct, body, field string }{
		{"NUL in a form", form, "member_id=m1&member_icon=a%00b", "member_icon"},
		{"NUL in JSON", json, `{"member_id":"m1","member_real_name":"a\u0000"}`, "member_real_name"},
		{"not UTF-8 in a form", form, "member_id=m1&member_nickname=%ff", "member_nickname"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/activitys_for_wx/1/wx/userInfo", strings.NewReader(tc.body))
			r.Header.Set("Content-Type", tc.ct)
			_, err := readFields(r, "member_id", "member_icon", "member_nickname", "member_real_name")
			var e *shared.Error
			if !errors.As(err, &e) || e.Kind != shared.KindInvalid || e.Field != tc.field || !strings.HasPrefix(e.Message, tc.field+" ") {
				t.Fatalf("want bad input naming %s, got %v", tc.field, err)
			}
		})
	}
}
