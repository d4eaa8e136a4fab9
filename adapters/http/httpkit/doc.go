// Package httpkit is what every HTTP envelope family shares: the Server that
// builds each endpoint's go-kit server around a family's Envelope (success
// body; error → status + body), the renderers of a kit.Response, strict JSON
// and form decoding that turns bad input into domain errors naming the
// field, path ids, request ids, access logs, Prometheus metrics, panic
// recovery and body limits, and the Family interface through which each API
// family answers router errors (unknown route, wrong method) in its own
// envelope. A family keeps only its envelope and its code table.
package httpkit
