// Package secure implements the generator and password-hashing ports with
// crypto/rand and bcrypt.
package secure

import (
	"crypto/rand"
	"math/big"

	"golang.org/x/crypto/bcrypt"

	"github.com/campushub/campushub/ports"
)

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Random draws from crypto/rand.
type Random struct{}

var _ ports.Random = Random{}

// Token returns n characters drawn uniformly from [A-Za-z0-9].
func (Random) Token(n int) string { return draw(alphanumeric, n) }

// Digits returns n decimal digits drawn uniformly.
func (Random) Digits(n int) string { return draw("0123456789", n) }

func draw(alphabet string, n int) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range out {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("secure: crypto/rand failed: " + err.Error())
		}
		out[i] = alphabet[k.Int64()]
	}
	return string(out)
}

// Bcrypt hashes passwords with bcrypt at a fixed cost.
type Bcrypt struct{ Cost int }

var _ ports.PasswordHasher = Bcrypt{}

// Hash returns the bcrypt hash of password.
func (b Bcrypt) Hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), b.Cost)
	return string(h), err
}

// Compare reports whether password matches hash.
func (b Bcrypt) Compare(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
