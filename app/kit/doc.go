// Package kit is the vocabulary the modules' use cases and endpoints share,
// so that each module speaks of pages (and the like) the same way.
package kit
