package shared

import (
	"crypto/sha256"
	"encoding/hex"
)

// Distinct passes each element of in through check, which normalises it
// or refuses it, and returns the results without repeats, in the order
// first seen; the first refusal is the answer.
func Distinct[T comparable](in []T, check func(T) (T, error)) ([]T, error) {
	seen := make(map[T]bool, len(in))
	out := make([]T, 0, len(in))
	for _, v := range in {
		v, err := check(v)
		if err != nil {
			return nil, err
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// Digits reports whether s is one or more ASCII digits.
func Digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// HashToken hashes a credential token for storage and lookup. Tokens are
// long random strings, so a plain SHA-256 is enough: there is nothing to
// brute-force.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
