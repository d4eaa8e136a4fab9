package content

import (
	"context"
	"errors"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/content"
	"github.com/campushub/campushub/domain/shared"
)

// FAQs lists the FAQ, newest first.
func (s *Service) FAQs(ctx context.Context, p kit.Page) ([]content.FAQ, int64, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return nil, 0, err
	}
	return s.Deps.FAQs.List(ctx, p.Offset(), p.Limit())
}

// FAQ returns one FAQ entry.
func (s *Service) FAQ(ctx context.Context, id int64) (content.FAQ, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return content.FAQ{}, err
	}
	f, err := s.Deps.FAQs.ByID(ctx, id)
	return f, shared.NotFoundAs(err, content.ErrFAQNotFound)
}

// CreateFAQ adds a FAQ entry (managers).
func (s *Service) CreateFAQ(ctx context.Context, in content.FAQInput) (content.FAQ, error) {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return content.FAQ{}, err
	}
	f, err := content.NewFAQ(in, s.Clock.Now())
	if err != nil {
		return f, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Deps.FAQs.Create(ctx, &f); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, f.Changed("created", mid, f.CreatedAt))
	})
	return f, err
}

// UpdateFAQ rewrites a FAQ entry (managers).
func (s *Service) UpdateFAQ(ctx context.Context, id int64, in content.FAQInput) (content.FAQ, error) {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return content.FAQ{}, err
	}
	var f content.FAQ
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if f, err = s.Deps.FAQs.ByID(ctx, id); err != nil {
			return shared.NotFoundAs(err, content.ErrFAQNotFound)
		}
		if err := f.Edit(in, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.Deps.FAQs.Update(ctx, f); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, f.Changed("updated", mid, f.UpdatedAt))
	})
	return f, err
}

// DeleteFAQ removes a FAQ entry (managers).
func (s *Service) DeleteFAQ(ctx context.Context, id int64) error {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		f, err := s.Deps.FAQs.ByID(ctx, id)
		if err != nil {
			return shared.NotFoundAs(err, content.ErrFAQNotFound)
		}
		if err := s.Deps.FAQs.Delete(ctx, id); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, f.Changed("deleted", mid, s.Clock.Now()))
	})
}

// Categories lists the feedback categories in id order.
func (s *Service) Categories(ctx context.Context, p kit.Page) ([]content.Category, int64, error) {
	if _, err := auth.CallerID(ctx); err != nil {
		return nil, 0, err
	}
	return s.Deps.Categories.List(ctx, p.Offset(), p.Limit())
}

// CreateCategory adds a feedback category (managers).
func (s *Service) CreateCategory(ctx context.Context, name, description string) (content.Category, error) {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return content.Category{}, err
	}
	c, err := content.NewCategory(name, description, s.Clock.Now())
	if err != nil {
		return c, err
	}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Deps.Categories.Create(ctx, &c); err != nil {
			return taken(err)
		}
		return s.Outbox.Append(ctx, c.Changed("created", mid, c.CreatedAt))
	})
	return c, err
}

// UpdateCategory renames a feedback category (managers).
func (s *Service) UpdateCategory(ctx context.Context, id int64, name, description string) (content.Category, error) {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return content.Category{}, err
	}
	var c content.Category
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if c, err = s.Deps.Categories.ByID(ctx, id); err != nil {
			return shared.NotFoundAs(err, content.ErrCategoryNotFound)
		}
		if err := c.Edit(name, description, s.Clock.Now()); err != nil {
			return err
		}
		if err := s.Deps.Categories.Update(ctx, c); err != nil {
			return taken(err)
		}
		return s.Outbox.Append(ctx, c.Changed("updated", mid, c.UpdatedAt))
	})
	return c, err
}

// DeleteCategory removes a feedback category no feedback uses (managers).
func (s *Service) DeleteCategory(ctx context.Context, id int64) error {
	mid, err := auth.CallerID(ctx)
	if err != nil {
		return err
	}
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		c, err := s.Deps.Categories.ByID(ctx, id)
		if err != nil {
			return shared.NotFoundAs(err, content.ErrCategoryNotFound)
		}
		n, err := s.Feedbacks.CountByCategory(ctx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return content.ErrCategoryInUse
		}
		if err := s.Deps.Categories.Delete(ctx, id); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, c.Changed("deleted", mid, s.Clock.Now()))
	})
}

func taken(err error) error {
	if errors.Is(err, shared.ErrAlreadyExists) {
		return content.ErrCategoryExists
	}
	return err
}
