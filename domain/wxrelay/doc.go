// Package wxrelay is the 微校 (WeXiao) relay's domain: push projects that
// subscribe to data-change events, received events, and the deliveries that
// carry each event to each project with their retry and disable rules. It
// imports only the standard library and domain/shared.
package wxrelay
