// Package httpkit is what every HTTP envelope family shares: strict JSON and
// form decoding that turns bad input into domain errors naming the field,
// request ids, access logs, Prometheus metrics, panic recovery and body
// limits, and the Family interface through which each API family answers
// errors in its own envelope.
package httpkit
