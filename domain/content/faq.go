package content

import (
	"net/url"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Bounds of a FAQ entry.
const (
	MaxFAQTitle    = 200
	MaxFAQContent  = 20000
	MaxFAQCategory = 64
	MaxLink        = 1024
)

// FAQ is one frequently asked question and its answer.
type FAQ struct {
	ID           int64
	AppID        string
	Title        string
	Content      string
	Category     string
	ExternalLink string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// FAQInput is what a manager writes.
type FAQInput struct {
	Title, Content, Category, ExternalLink string
}

// ErrFAQNotFound is returned for an unknown FAQ id.
var ErrFAQNotFound = shared.NewError(shared.KindNotFound, "content.faq_not_found", "FAQ not found")

// NewFAQ checks in and returns the FAQ entry.
func NewFAQ(in FAQInput, now time.Time) (FAQ, error) {
	f := FAQ{CreatedAt: now}
	return f, f.Edit(in, now)
}

// Edit replaces the entry's text after checking it; on error f is unchanged.
func (f *FAQ) Edit(in FAQInput, now time.Time) error {
	title, err := text("title", in.Title, true, MaxFAQTitle)
	if err != nil {
		return err
	}
	body, err := text("content", in.Content, true, MaxFAQContent)
	if err != nil {
		return err
	}
	category, err := text("category", in.Category, false, MaxFAQCategory)
	if err != nil {
		return err
	}
	link, err := checkLink("external_link", in.ExternalLink)
	if err != nil {
		return err
	}
	f.Title, f.Content, f.Category, f.ExternalLink, f.UpdatedAt = title, body, category, link, now
	return nil
}

// checkLink accepts an empty value or an absolute http(s) URL.
func checkLink(field, v string) (string, error) {
	v, err := text(field, v, false, MaxLink)
	if err != nil || v == "" {
		return v, err
	}
	u, perr := url.Parse(v)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", shared.Invalid(field, "%s must be an http or https URL", field)
	}
	return v, nil
}

// Changed is the event of a FAQ entry created, updated or deleted
// (action "created", "updated" or "deleted").
func (f FAQ) Changed(action string, managerID int64, at time.Time) shared.Event {
	return shared.NewEvent(Module, "faq_changed", idString(f.ID), at, map[string]any{
		"faq_id": f.ID, "action": action, "manager_id": managerID, "title": f.Title, "category": f.Category,
	})
}
