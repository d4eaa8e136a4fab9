package wxrelay

import (
	"context"
	"errors"
	"fmt"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// checkURL normalises a project URL and applies the egress policy.
func (s *Service) checkURL(ctx context.Context, raw string) (string, error) {
	u, err := wxrelay.NormalizeURL(raw)
	if err != nil {
		return "", err
	}
	return s.Egress.CheckURL(ctx, u)
}

// AddProject registers a push project with unordered delivery and returns
// it with its signing secret, which is shown only here and on rotation.
func (s *Service) AddProject(ctx context.Context, rawURL, name string) (wxrelay.Project, error) {
	return s.AddProjectWith(ctx, NewProject{URL: rawURL, Name: name})
}

// NewProject is a project to register.
type NewProject struct {
	URL, Name string
	// Ordered asks for the deliveries of one ordering key one at a time,
	// in order of receipt.
	Ordered bool
}

// AddProjectWith registers a push project and returns it with its signing
// secret, which is shown only here and on rotation.
func (s *Service) AddProjectWith(ctx context.Context, in NewProject) (wxrelay.Project, error) {
	rawURL, name := in.URL, in.Name
	name, err := wxrelay.ValidateName(name)
	if err != nil {
		return wxrelay.Project{}, err
	}
	u, err := s.checkURL(ctx, rawURL)
	if err != nil {
		return wxrelay.Project{}, err
	}
	now := s.Clock.Now()
	p := wxrelay.Project{URL: u, Name: name, Status: wxrelay.StatusActive, Secret: s.newSecret(), Ordered: in.Ordered, CreatedAt: now, UpdatedAt: now}
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Projects.Create(ctx, &p); err != nil {
			if errors.Is(err, shared.ErrAlreadyExists) {
				return wxrelay.ErrProjectExists
			}
			return err
		}
		return s.Outbox.Append(ctx, wxrelay.ProjectAdded(p, caller(ctx)))
	})
	return p, err
}

// UpdateInput is a partial change of a project in wire terms; nil fields
// stay as they are.
type UpdateInput struct {
	ID      int64
	URL     *string
	Name    *string
	Status  *int64
	Ordered *bool
}

// UpdateProject changes a project. Switching it to invalid (statu 1) holds
// its pending deliveries, and events received while it is invalid are held
// for it too; switching it back to valid releases them in order of
// receipt, except those older than the hold retention, which fail.
func (s *Service) UpdateProject(ctx context.Context, in UpdateInput) (wxrelay.Project, error) {
	var c wxrelay.Change
	if in.URL != nil {
		u, err := s.checkURL(ctx, *in.URL)
		if err != nil {
			return wxrelay.Project{}, err
		}
		c.URL = &u
	}
	if in.Name != nil {
		n, err := wxrelay.ValidateName(*in.Name)
		if err != nil {
			return wxrelay.Project{}, err
		}
		c.Name = &n
	}
	if in.Status != nil {
		st, err := wxrelay.ParseStatus(*in.Status)
		if err != nil {
			return wxrelay.Project{}, err
		}
		c.Status = &st
	}
	c.Ordered = in.Ordered
	var out wxrelay.Project
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		p, err := s.projectByID(ctx, in.ID)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		out = p.Apply(c, now)
		if err := s.Projects.Update(ctx, out); err != nil {
			if errors.Is(err, shared.ErrAlreadyExists) {
				return wxrelay.ErrProjectExists
			}
			return err
		}
		if p.Active() != out.Active() {
			if err := s.Projects.SetHealth(ctx, out); err != nil {
				return err
			}
		}
		if p.Ordered != out.Ordered {
			if err := s.Deliveries.SetOrdering(ctx, p.ID, out.Ordered); err != nil {
				return fmt.Errorf("set ordering of project %d: %w", p.ID, err)
			}
		}
		switch {
		case p.Active() && !out.Active():
			if _, err := s.Deliveries.HoldPending(ctx, p.ID, now); err != nil {
				return fmt.Errorf("hold deliveries of project %d: %w", p.ID, err)
			}
		case !p.Active() && out.Active():
			if err := s.release(ctx, p.ID, now); err != nil {
				return err
			}
		}
		return s.Outbox.Append(ctx, wxrelay.ProjectUpdated(out, caller(ctx), false))
	})
	if err == nil && out.Active() {
		s.wake() // enabled again, or its URL fixed: its deliveries go out now
	}
	return out, err
}

// DeleteProject removes a project; its pending deliveries fail and its
// delivery history stays listable.
func (s *Service) DeleteProject(ctx context.Context, id int64) error {
	return s.UoW.Do(ctx, func(ctx context.Context) error {
		p, err := s.projectByID(ctx, id)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		if err := s.abandon(ctx, id, wxrelay.FailedProjectDeleted, "project was deleted", now); err != nil {
			return err
		}
		if err := s.Projects.Delete(ctx, id); err != nil {
			return err
		}
		return s.Outbox.Append(ctx, wxrelay.ProjectDeleted(p, caller(ctx), now))
	})
}

// RotateSecret gives a project a new signing secret and returns it; the old
// one stops working at once.
func (s *Service) RotateSecret(ctx context.Context, id int64) (wxrelay.Project, error) {
	var out wxrelay.Project
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		p, err := s.projectByID(ctx, id)
		if err != nil {
			return err
		}
		p.Secret, p.UpdatedAt = s.newSecret(), s.Clock.Now()
		if err := s.Projects.Update(ctx, p); err != nil {
			return err
		}
		out = p
		return s.Outbox.Append(ctx, wxrelay.ProjectUpdated(p, caller(ctx), true))
	})
	return out, err
}

// ProjectStatus is a project with what it has not received yet.
type ProjectStatus struct {
	wxrelay.Project
	ports.Backlog
}

// ListProjects returns every project, oldest first. Callers must not show
// the secrets.
func (s *Service) ListProjects(ctx context.Context) ([]wxrelay.Project, error) {
	return s.Projects.List(ctx)
}

// ProjectStatuses returns every project, oldest first, with its backlog.
// Callers must not show the secrets.
func (s *Service) ProjectStatuses(ctx context.Context) ([]ProjectStatus, error) {
	ps, err := s.Projects.List(ctx)
	if err != nil {
		return nil, err
	}
	backlog, err := s.Deliveries.Backlog(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProjectStatus, len(ps))
	for i, p := range ps {
		out[i] = ProjectStatus{Project: p, Backlog: backlog[p.ID]}
	}
	return out, nil
}
