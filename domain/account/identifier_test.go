package account_test

import (
	"strings"
	"testing"

	"github.com/campushub/campushub/domain/account"
)

func TestParseIdentifier(t *testing.T) {
	cases := []struct {
		name      string
		area      string
		account   string
		want      account.Identifier
		wantKey   string
		wantField string
	}{
		{name: "mainland phone without area", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "mainland phone with area", area: "86", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "area with plus sign", area: "+86", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "area with international prefix", area: "0086", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "area with plus and international prefix", area: "+00852", account: "61234567",
			want: account.Identifier{Channel: account.Phone, Area: "852", Value: "61234567"}, wantKey: "+852 61234567"},
		{name: "surrounding spaces", area: " 86 ", account: " 18656660930 ",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "hong kong phone", area: "852", account: "61234567",
			want: account.Identifier{Channel: account.Phone, Area: "852", Value: "61234567"}, wantKey: "+852 61234567"},
		{name: "e-mail", account: "user@example.com",
			want: account.Identifier{Channel: account.Email, Value: "user@example.com"}, wantKey: "user@example.com"},
		{name: "e-mail is lower-cased", account: "User.Name@Example.COM",
			want: account.Identifier{Channel: account.Email, Value: "user.name@example.com"}, wantKey: "user.name@example.com"},
		{name: "e-mail ignores area", area: "86", account: "a@b.cn",
			want: account.Identifier{Channel: account.Email, Value: "a@b.cn"}, wantKey: "a@b.cn"},
		{name: "empty", account: "", wantField: "account"},
		{name: "blank", account: "   ", wantField: "account"},
		{name: "too long", account: strings.Repeat("1", 255), wantField: "account"},
		{name: "too long in characters", account: strings.Repeat("é", 243) + "@example.com", wantField: "account"},
		{name: "254 characters of non-ASCII e-mail", account: strings.Repeat("é", 242) + "@example.com",
			want:    account.Identifier{Channel: account.Email, Value: strings.Repeat("é", 242) + "@example.com"},
			wantKey: strings.Repeat("é", 242) + "@example.com"},
		{name: "mainland number too short", account: "1865666093", wantField: "account"},
		{name: "mainland number too long", account: "186566609301", wantField: "account"},
		{name: "mainland number not starting with 1", account: "28656660930", wantField: "account"},
		{name: "phone with dashes", account: "186-5666-0930", wantField: "account"},
		{name: "phone with letters", account: "1865666093x", wantField: "account"},
		{name: "foreign number too short", area: "1", account: "1234", wantField: "account"},
		{name: "foreign number too long", area: "1", account: "1234567890123456", wantField: "account"},
		{name: "area with letters", area: "8a", account: "18656660930", wantField: "area"},
		{name: "area too long", area: "12345", account: "18656660930", wantField: "area"},
		{name: "e-mail with a malformed area", area: "*", account: "a@b.cn", wantField: "area"},
		{name: "e-mail with an empty area", area: "", account: "a@b.cn",
			want: account.Identifier{Channel: account.Email, Value: "a@b.cn"}, wantKey: "a@b.cn"},
		{name: "area over 8 characters", area: "+00000086", account: "18656660930", wantField: "area"},
		{name: "area of 8 characters", area: "+0000086", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "area with plus only", area: "+", account: "18656660930",
			want: account.Identifier{Channel: account.Phone, Area: "86", Value: "18656660930"}, wantKey: "+86 18656660930"},
		{name: "e-mail without domain", account: "user@", wantField: "account"},
		{name: "e-mail without dot in domain", account: "user@localhost", wantField: "account"},
		{name: "e-mail with display name", account: "User <user@example.com>", wantField: "account"},
		{name: "two at signs", account: "a@@b.com", wantField: "account"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := account.ParseIdentifier(tc.area, tc.account)
			if tc.wantField != "" {
				wantField(t, err, tc.wantField)
				return
			}
			if err != nil {
				t.Fatalf("ParseIdentifier(%q, %q): %v", tc.area, tc.account, err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if got.Key() != tc.wantKey {
				t.Errorf("Key() = %q, want %q", got.Key(), tc.wantKey)
			}
		})
	}
}
