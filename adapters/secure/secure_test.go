package secure

import (
	"strings"
	"testing"
)

func TestRandom(t *testing.T) {
	var r Random
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		tok := r.Token(50)
		if len(tok) != 50 || strings.Trim(tok, alphanumeric) != "" {
			t.Fatalf("token %q is not 50 alphanumerics", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q drawn twice", tok)
		}
		seen[tok] = true
		if d := r.Digits(6); len(d) != 6 || strings.Trim(d, "0123456789") != "" {
			t.Fatalf("digits %q are not 6 digits", d)
		}
	}
}

func TestBcrypt(t *testing.T) {
	b := Bcrypt{Cost: 4}
	h, err := b.Hash("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatal("hash holds the password")
	}
	if !b.Compare(h, "correct horse") {
		t.Fatal("the right password does not match")
	}
	if b.Compare(h, "wrong horse") {
		t.Fatal("a wrong password matches")
	}
}
