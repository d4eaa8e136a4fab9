package wxrelay

import (
	"strings"
	"testing"
)

func TestOrderKey(t *testing.T) {
	cases := []struct{ name, school, data, raw, want string }{
		{"user_id in decrypted data", "45229", `{"user_id":"u1","name":"张三"}`, "cipher", "school:45229/person:u1"},
		{"numeric id", "45229", `{"id":1234567}`, "cipher", "school:45229/person:1234567"},
		{"first field wins", "45229", `{"card_number":"c9","user_id":"u2"}`, "", "school:45229/person:u2"},
		{"raw JSON without a secret", "45229", "", `{"userid":"u3"}`, "school:45229/person:u3"},
		{"no person: the school", "45229", `{"org":"x"}`, "", "school:45229"},
		{"not JSON: the school", "45229", "plain text", "", "school:45229"},
		{"empty id ignored", "45229", `{"user_id":" ","id":7}`, "", "school:45229/person:7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := OrderKey(tc.school, tc.data, tc.raw); got != tc.want {
				t.Fatalf("OrderKey = %q, want %q", got, tc.want)
			}
		})
	}
	if k := OrderKey("s", `{"user_id":"`+strings.Repeat("x", 300)+`"}`, ""); len(k) > MaxOrderKey {
		t.Fatalf("over-long key of %d bytes", len(k))
	}
}
