package nats

import "testing"

func TestSubjectMatches(t *testing.T) {
	cases := []struct {
		pattern, subject string
		want             bool
	}{
		{"campushub.account.v1", "campushub.account.v1", true},
		{"campushub.acount.v1", "campushub.account.v1", false},
		{"campushub.*.v1", "campushub.account.v1", true},
		{"campushub.>", "campushub.account.v1", true},
		{">", "campushub.account.v1", true},
		{"campushub.account", "campushub.account.v1", false},
		{"campushub.account.v1.x", "campushub.account.v1", false},
		{"campushub.account.v1.>", "campushub.account.v1", false},
		{"*.*", "campushub.account.v1", false},
	}
	for _, tc := range cases {
		if got := subjectMatches(tc.pattern, tc.subject); got != tc.want {
			t.Errorf("subjectMatches(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
		}
	}
}
