package wxrelay

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/campushub/campushub/domain/shared"
)

// Status is a push project's state: the seed's statu field.
type Status int

// Project states.
const (
	StatusActive   Status = 0 // receives deliveries
	StatusInactive Status = 1 // set by a manager or after a run of failures
)

// Limits on project fields.
const (
	MaxURLLength  = 1024
	MaxNameLength = 100
)

// Project is a push project: a named endpoint that receives every event.
type Project struct {
	ID     int64
	URL    string
	Name   string
	Status Status
	// Secret signs deliveries (whsec_…); it is shown once, at creation or
	// rotation.
	Secret string
	// Ordered projects receive the deliveries of one ordering key one at a
	// time, in order of receipt.
	Ordered bool
	// Health is the breaker's state; the dispatcher changes it.
	Health
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Active reports whether the project receives deliveries.
func (p Project) Active() bool { return p.Status == StatusActive }

// NormalizeURL checks a project URL and returns it in canonical form. A URL
// written without a scheme (the seed's own example, "www.example.org") is
// taken as https; anything else must be an absolute http or https URL with a
// host and no user information.
func NormalizeURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", shared.Invalid("url", "url is required")
	}
	if utf8.RuneCountInString(raw) > MaxURLLength {
		return "", shared.Invalid("url", "url is too long (at most %d characters)", MaxURLLength)
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", shared.Invalid("url", "url is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", shared.Invalid("url", "url must use http or https, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return "", shared.Invalid("url", "url must name a host")
	}
	if u.User != nil {
		return "", shared.Invalid("url", "url must not carry user information")
	}
	u.Fragment = ""
	return u.String(), nil
}

// ValidateName checks a project name.
func ValidateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", shared.Invalid("project", "project is required")
	}
	if utf8.RuneCountInString(name) > MaxNameLength {
		return "", shared.Invalid("project", "project is too long (at most %d characters)", MaxNameLength)
	}
	return name, nil
}

// ParseStatus checks a statu value: 0 valid, 1 invalid.
func ParseStatus(v int64) (Status, error) {
	switch Status(v) {
	case StatusActive, StatusInactive:
		return Status(v), nil
	}
	return 0, shared.Invalid("statu", "statu must be 0 (valid) or 1 (invalid), got %d", v)
}

// Change is a partial update of a project; nil fields stay as they are.
type Change struct {
	URL     *string
	Name    *string
	Status  *Status
	Ordered *bool
}

// Apply returns p with the change applied. A project switched to invalid
// records when; one switched back to valid starts with a clean failure
// count and a closed breaker.
func (p Project) Apply(c Change, now time.Time) Project {
	if c.URL != nil {
		p.URL = *c.URL
	}
	if c.Name != nil {
		p.Name = *c.Name
	}
	if c.Ordered != nil {
		p.Ordered = *c.Ordered
	}
	if c.Status != nil {
		switch {
		case *c.Status == StatusActive && p.Status != StatusActive:
			p.Health = Health{}
		case *c.Status != StatusActive && p.Status == StatusActive:
			p.PausedAt, p.NextProbeAt, p.ProbeInterval, p.DisabledAt = time.Time{}, time.Time{}, 0, now
		}
		p.Status = *c.Status
	}
	p.UpdatedAt = now
	return p
}
