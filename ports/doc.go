// Package ports declares the outbound interfaces the application needs from
// the outside world: storage, the event outbox, senders, providers, the clock
// and generators. Adapters implement them; app packages consume them.
// Inbound transport (HTTP) is not a port here: it lives in adapters/http.
package ports
