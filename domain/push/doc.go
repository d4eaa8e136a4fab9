// Package push is the push module's domain: devices bound to users with a
// per-device switch, push messages managers send to everyone or to listed
// users, and the per-device deliveries handed to a push provider.
package push

// Module is the name of this module in events and topics.
const Module = "push"
