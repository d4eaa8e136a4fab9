package content

import (
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Bounds of a feedback category.
const (
	MaxCategoryName        = 64
	MaxCategoryDescription = 255
)

// Category is a kind of feedback users pick from.
type Category struct {
	ID          int64
	AppID       string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// The category errors.
var (
	ErrCategoryNotFound = shared.NewError(shared.KindNotFound, "content.category_not_found", "feedback category not found")
	ErrCategoryExists   = shared.NewError(shared.KindConflict, "content.category_exists", "a feedback category with this name exists")
	ErrCategoryInUse    = shared.NewError(shared.KindConflict, "content.category_in_use", "feedback uses this category; it cannot be deleted")
)

// NewCategory checks and returns a category.
func NewCategory(name, description string, now time.Time) (Category, error) {
	c := Category{CreatedAt: now}
	return c, c.Edit(name, description, now)
}

// Edit renames and redescribes the category; on error c is unchanged.
func (c *Category) Edit(name, description string, now time.Time) error {
	n, err := text("name", name, true, MaxCategoryName)
	if err != nil {
		return err
	}
	d, err := text("description", description, false, MaxCategoryDescription)
	if err != nil {
		return err
	}
	c.Name, c.Description, c.UpdatedAt = n, d, now
	return nil
}

// Changed is the event of a category created, updated or deleted.
func (c Category) Changed(action string, managerID int64, at time.Time) shared.Event {
	return shared.NewEvent(Module, "category_changed", idString(c.ID), at, map[string]any{
		"category_id": c.ID, "action": action, "manager_id": managerID, "name": c.Name,
	})
}
