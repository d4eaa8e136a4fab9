package activityapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/domain/activity"
)

// Participants mounts a lottery's participant list on the organisation
// API: a page of it, all of it, the import template and the import.
type Participants struct {
	S  *Server
	EP appactivity.Participants
}

// Mount implements server.Mounter.
func (m Participants) Mount(r chi.Router) {
	s, ep := m.S, m.EP
	p := OrgPrefix + "/activities/{id}/participants"
	r.Method(http.MethodGet, p, orgCredential(s.Handler(ep.Page, decodeParticipants, httpkit.Paged(s.participant))))
	r.Method(http.MethodGet, p+"/all", orgCredential(s.Custom(ep.All, decodeActivity, httpkit.Encode(s.encodeAll))))
	r.Method(http.MethodGet, p+"/template", orgCredential(s.Custom(ep.Template, decodeActivity, httpkit.Encode(encodeTemplate))))
	r.Method(http.MethodPost, p+"/import", orgCredential(s.Handler(ep.Import, decodeImport, httpkit.Data(importView))))
}

func decodeParticipants(_ context.Context, r *http.Request) (any, error) {
	id, p, err := httpkit.PathIDPage(r, "id")
	if err != nil {
		return nil, err
	}
	return appactivity.ParticipantsRequest{ID: id, Page: p}, nil
}

// ParticipantView is a lottery participant: the member, how it came to
// the lottery, and whether and when it was drawn.
type ParticipantView struct {
	MemberView
	Source  string `json:"source"`
	Drawn   bool   `json:"drawn"`
	DrawnAt string `json:"drawn_at"`
}

func (s *Server) participant(p activity.Participant) ParticipantView {
	return ParticipantView{MemberView: s.memberView(p.Member), Source: string(p.Source), Drawn: p.Drawn(), DrawnAt: s.Clock().Format(p.DrawnAt)}
}

// encodeAll streams every participant as the envelope's data array, one
// batch from storage at a time. Nothing is written before the first batch
// has been read, so a failure there still answers in the envelope; a
// failure after that is logged and cuts the answer short, which leaves
// its JSON incomplete (a client cannot mistake it for the whole list).
func (s *Server) encodeAll(ctx context.Context, w http.ResponseWriter, stream appactivity.ParticipantStream) error {
	started := false
	enc := json.NewEncoder(w)
	begin := func() error {
		started = true
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, err := w.Write([]byte(`{"code":0,"msg":"成功","data":[`))
		return err
	}
	first := true
	err := stream(ctx, func(p activity.Participant) error {
		if !started {
			if err := begin(); err != nil {
				return err
			}
		}
		if !first {
			if _, err := w.Write([]byte(",")); err != nil {
				return err
			}
		}
		first = false
		return enc.Encode(s.participant(p))
	})
	switch {
	case err != nil && !started:
		return err
	case err != nil:
		if s.Log() != nil {
			s.Log().ErrorContext(ctx, "participant list broke off", "error", err)
		}
		return nil
	case !started:
		if err := begin(); err != nil {
			return nil
		}
	}
	_, _ = w.Write([]byte("]}\n"))
	return nil
}

// importView is what an import did.
func importView(s activity.ImportSummary) map[string]int {
	return map[string]int{"created": s.Created, "updated": s.Updated, "unchanged": s.Unchanged}
}
