package wxrelay

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Event is one data-change push received from the 微校 platform.
type Event struct {
	ID         int64
	AppKey     string
	SchoolCode string
	Name       string // the push's event, e.g. addUser
	RawData    string // forwarded as received
	// Data is the decrypted raw_data when the app has a secret, "" otherwise.
	Data string
	// BodyHash identifies the received body for deduplication.
	BodyHash string
	// OrderKey orders the event's deliveries to projects with ordered
	// delivery (see OrderKey).
	OrderKey   string
	ReceivedAt time.Time
	// Payload is the JSON body every project receives for this event.
	Payload []byte
}

// HashBody returns the deduplication key of a received body.
func HashBody(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
