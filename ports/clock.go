package ports

import "time"

// Clock tells the time. Use cases take it instead of calling time.Now so
// tests can move time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real Clock, in UTC.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// Random produces unpredictable values from a cryptographic source.
type Random interface {
	// Token returns an n-character alphanumeric string.
	Token(n int) string
	// Digits returns an n-digit decimal string.
	Digits(n int) string
}
