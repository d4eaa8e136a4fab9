package push

import (
	"strconv"
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// ClientType is the platform of a device.
type ClientType string

// The platforms the push providers serve.
const (
	Android ClientType = "android"
	IOS     ClientType = "ios"
)

// MaxClientIDLength bounds a provider's client id (Getui's are 32 characters,
// JPush registration ids about 20).
const MaxClientIDLength = 128

// ParseClientType accepts "android" or "ios" in any letter case.
func ParseClientType(s string) (ClientType, error) {
	switch ClientType(strings.ToLower(strings.TrimSpace(s))) {
	case Android:
		return Android, nil
	case IOS:
		return IOS, nil
	}
	return "", shared.Invalid("client_type", "client_type must be android or ios, got %q", s)
}

// CheckClientID checks a provider's client id: present, at most
// MaxClientIDLength characters, printable ASCII without spaces.
func CheckClientID(id string) error {
	if id == "" {
		return shared.Invalid("client_id", "client_id is required")
	}
	if len(id) > MaxClientIDLength {
		return shared.Invalid("client_id", "client_id is too long (at most %d characters)", MaxClientIDLength)
	}
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return shared.Invalid("client_id", "client_id may hold only printable ASCII characters without spaces")
		}
	}
	return nil
}

// Device is a phone known to the push provider by ClientID and bound to one
// user. Switch says whether the user wants pushes on it.
type Device struct {
	ID         int64
	AppID      string
	UserID     int64
	ClientID   string
	ClientType ClientType
	Switch     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ErrNotYourDevice is returned when a user touches a device bound to
// someone else.
var ErrNotYourDevice = shared.NewError(shared.KindForbidden, "push.device_not_owned", "this device is bound to another user")

// ErrDeviceNotFound is returned for an unknown client id.
var ErrDeviceNotFound = shared.NewError(shared.KindNotFound, "push.device_not_found", "device not found")

// NewDevice binds a new device to userID with its switch on.
func NewDevice(userID int64, clientID string, t ClientType, now time.Time) Device {
	return Device{UserID: userID, ClientID: clientID, ClientType: t, Switch: true, CreatedAt: now, UpdatedAt: now}
}

// Rebind binds an existing device to userID. A device that changes hands
// gets its switch back on and reports the previous owner; a device bound
// again by its owner keeps its switch.
func (d *Device) Rebind(userID int64, t ClientType, now time.Time) (previous int64, moved bool) {
	previous, moved = d.UserID, d.UserID != userID
	if moved {
		d.UserID, d.Switch = userID, true
	}
	d.ClientType, d.UpdatedAt = t, now
	return previous, moved
}

// OwnedBy checks that the device is bound to userID.
func (d Device) OwnedBy(userID int64) error {
	if d.UserID != userID {
		return ErrNotYourDevice
	}
	return nil
}

// SetSwitch turns pushes on or off and reports whether that changed anything.
func (d *Device) SetSwitch(on bool, now time.Time) bool {
	if d.Switch == on {
		return false
	}
	d.Switch, d.UpdatedAt = on, now
	return true
}

// AggregateID keys the device's events: the provider's client id.
func (d Device) AggregateID() string { return d.ClientID }

// Bound is the event of a device bound to its user.
func (d Device) Bound() shared.Event {
	return shared.NewEvent(Module, "device_bound", d.AggregateID(), d.UpdatedAt, map[string]any{
		"device_id": d.ID, "user_id": d.UserID, "client_id": d.ClientID, "client_type": string(d.ClientType), "switch": d.Switch,
	})
}

// Unbound is the event of a device leaving previousUser for another user.
func (d Device) Unbound(previousUser int64) shared.Event {
	return shared.NewEvent(Module, "device_unbound", d.AggregateID(), d.UpdatedAt, map[string]any{
		"device_id": d.ID, "user_id": previousUser, "client_id": d.ClientID, "new_user_id": d.UserID,
	})
}

// SwitchChanged is the event of a device's switch turned on or off.
func (d Device) SwitchChanged() shared.Event {
	return shared.NewEvent(Module, "switch_changed", d.AggregateID(), d.UpdatedAt, map[string]any{
		"device_id": d.ID, "user_id": d.UserID, "client_id": d.ClientID, "switch": d.Switch,
	})
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
