package push

import "time"

// Delivery is one push to one switched-on device.
type Delivery struct {
	ID         int64
	PushID     int64
	DeviceID   int64
	UserID     int64
	ClientID   string
	ClientType ClientType
	Status     Status
	Detail     string // the provider's answer for this device
	UpdatedAt  time.Time
}

// Message is what a push provider is handed: one notification for one device.
type Message struct {
	PushID     int64
	ClientID   string
	ClientType ClientType
	Title      string
	Body       string
}

// Result is a provider's answer for one Message.
type Result struct {
	Accepted bool
	Detail   string
}

// Deliveries prepares one queued delivery per switched-on device.
func (p Push) Deliveries(devices []Device) []Delivery {
	out := make([]Delivery, 0, len(devices))
	for _, d := range devices {
		if !d.Switch {
			continue
		}
		out = append(out, Delivery{PushID: p.ID, DeviceID: d.ID, UserID: d.UserID, ClientID: d.ClientID,
			ClientType: d.ClientType, Status: Queued, UpdatedAt: p.CreatedAt})
	}
	return out
}

// Message is the provider message of delivery d of push p.
func (p Push) Message(d Delivery) Message {
	return Message{PushID: p.ID, ClientID: d.ClientID, ClientType: d.ClientType, Title: p.Title, Body: p.Body}
}

// Apply records the provider's result on the delivery.
func (d *Delivery) Apply(r Result, now time.Time) {
	d.Status, d.Detail, d.UpdatedAt = Failed, truncate(r.Detail, 200), now
	if r.Accepted {
		d.Status = Sent
	}
}
