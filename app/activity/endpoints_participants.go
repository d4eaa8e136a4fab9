package activity

import (
	"context"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
)

// The requests of the lottery participant lists.
type (
	// ParticipantsRequest asks for a page of a lottery's participants.
	ParticipantsRequest struct {
		ID   int64
		Page kit.Page
	}
	// ImportRequest imports participants into a lottery.
	ImportRequest struct {
		ID   int64
		Rows []activity.ImportRow
	}
)

// Walls are the organisation endpoints creating sign-in and message walls
// (/activitys_signin, /activitys_message); they take a DraftRequest.
type Walls struct {
	CreateSignin, CreateMessage endpoint.Endpoint
}

// MakeWalls wires the wall endpoints; only an organisation may call them.
func MakeWalls(s *Service) Walls {
	org := RequireOrg(s)
	wall := func(kind activity.Kind) endpoint.Endpoint {
		return org(kit.Unary(func(ctx context.Context, r DraftRequest) (activity.Activity, error) {
			return s.CreateWall(ctx, kind, r.Draft)
		}))
	}
	return Walls{CreateSignin: wall(activity.KindSignin), CreateMessage: wall(activity.KindMessage)}
}

// Participants are the organisation endpoints of a lottery's participant
// list: a page of it, all of it (streamed), the import file's template and
// the import. There is deliberately no endpoint naming winners: a draw
// picks them with crypto/rand and nothing else.
type Participants struct {
	Page, All, Template, Import endpoint.Endpoint
}

// MakeParticipants wires the participant endpoints; only an organisation
// may call them.
func MakeParticipants(s *Service) Participants {
	org := RequireOrg(s)
	return Participants{
		Page: org(kit.Unary(func(ctx context.Context, r ParticipantsRequest) (kit.List[activity.Participant], error) {
			items, total, err := s.ListParticipants(ctx, r.ID, r.Page)
			return kit.List[activity.Participant]{Page: r.Page, Total: total, Items: items}, err
		})),
		All:      org(kit.ByID(s.AllParticipants)),
		Template: org(kit.ByID(s.ParticipantTemplate)),
		Import: org(kit.Unary(func(ctx context.Context, r ImportRequest) (activity.ImportSummary, error) {
			return s.ImportParticipants(ctx, r.ID, r.Rows)
		})),
	}
}
