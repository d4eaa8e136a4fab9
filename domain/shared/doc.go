// Package shared is the small kernel every domain module builds on: the
// domain event envelope and the business error type that transports map to
// their own codes. It imports only the standard library.
package shared
