package wxrelay

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizeURL(t *testing.T) {
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"https", "https://hooks.example.org/wx?a=1", "https://hooks.example.org/wx?a=1", true},
		{"http with port", "http://hooks.example.org:8099/wx", "http://hooks.example.org:8099/wx", true},
		{"no scheme is https", "www.xn---xn--nw5a-9h6sj467a.org", "https://www.xn---xn--nw5a-9h6sj467a.org", true},
		{"fragment dropped", "https://a.example.org/x#frag", "https://a.example.org/x", true},
		{"surrounding space", "  https://a.example.org ", "https://a.example.org", true},
		{"empty", "", "", false},
		{"ftp", "ftp://a.example.org", "", false},
		{"no host", "https:///path", "", false},
		{"user info", "https://u:p@a.example.org", "", false},
		{"too long", "https://a.example.org/" + strings.Repeat("x", MaxURLLength), "", false},
		{"unparsable", "https://a.example.org/%zz", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NormalizeURL(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("NormalizeURL(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	for _, tc := range []struct {
		v  int64
		ok bool
	}{{0, true}, {1, true}, {2, false}, {-1, false}, {907, false}} {
		if _, err := ParseStatus(tc.v); (err == nil) != tc.ok {
			t.Errorf("ParseStatus(%d) error = %v, want ok=%v", tc.v, err, tc.ok)
		}
	}
}

func TestApplyReenablingClearsFailures(t *testing.T) {
	now := time.Now()
	active, inactive := StatusActive, StatusInactive
	p := Project{Status: StatusInactive, Health: Health{Failures: 20, DisabledAt: now}}
	if got := p.Apply(Change{Status: &active}, now); got.Health != (Health{}) || !got.Active() {
		t.Fatalf("re-enabled project = %+v", got)
	}
	p = Project{Status: StatusActive, Health: Health{Failures: 3}}
	if got := p.Apply(Change{Status: &inactive}, now); got.Failures != 3 || got.Active() || !got.DisabledAt.Equal(now) {
		t.Fatalf("disabled project = %+v", got)
	}
}
