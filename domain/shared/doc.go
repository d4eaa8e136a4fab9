// Package shared is the small kernel every domain module builds on: the
// domain event envelope, the business error type that transports map to
// their own codes, and the one retry schedule (Backoff). It imports only
// the standard library.
package shared
