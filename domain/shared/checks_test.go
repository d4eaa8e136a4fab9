package shared

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDistinct(t *testing.T) {
	errEmpty := errors.New("empty")
	trim := func(s string) (string, error) {
		s = strings.TrimSpace(s)
		if s == "" {
			return "", errEmpty
		}
		return s, nil
	}
	cases := []struct {
		name    string
		in      []string
		want    []string
		wantErr error
	}{
		{"nothing", nil, []string{}, nil},
		{"repeats after normalising go, first seen order kept", []string{"b", " a", "b ", "a", "c"}, []string{"b", "a", "c"}, nil},
		{"the first refusal answers", []string{"a", " ", "b"}, nil, errEmpty},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Distinct(tc.in, trim)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && !slices.Equal(got, tc.want)) || (tc.wantErr != nil && got != nil) {
				t.Fatalf("Distinct(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestDigits(t *testing.T) {
	for s, want := range map[string]bool{"": false, "0": true, "0123456789": true, "12a": false, "+86": false, "１２": false, " 1": false} {
		if got := Digits(s); got != want {
			t.Errorf("Digits(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestHashToken(t *testing.T) {
	// SHA-256 of "abc", hex-encoded.
	if got := HashToken("abc"); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("HashToken(abc) = %s", got)
	}
}
