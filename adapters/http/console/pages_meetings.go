package console

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/campushub/campushub/domain/activity"
)

type meetingsData struct {
	Meetings []activity.Meeting
	Pager    pager
}

func (h *Handler) meetings(w http.ResponseWriter, r *http.Request, v *view) {
	h.meetingsPage(w, r, v, http.StatusOK)
}

func (h *Handler) meetingsPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	listPage(h, w, r, v, status, "meetings", whole(h.svc.Activity.ListMeetings), func(ms []activity.Meeting, p pager) any {
		return meetingsData{Meetings: ms, Pager: p}
	})
}

func (h *Handler) createMeeting(w http.ResponseWriter, r *http.Request, v *view) {
	if !h.parseForm(w, r, v) {
		return
	}
	m, err := h.svc.Activity.CreateMeeting(r.Context(), v.Val("name"))
	if err != nil {
		h.formFail(w, r, v, err, "name", func(status int) { h.meetingsPage(w, r, v, status) })
		return
	}
	h.redirect(w, r, meetingPath(m.ID)+"?done=meeting_created")
}

// meetingPath is the page of one meeting.
func meetingPath(id int64) string { return Prefix + "/org/meetings/" + strconv.FormatInt(id, 10) }

// meetingStatus is what the meeting-status template shows: a meeting's
// state in the view's language.
type meetingStatus struct {
	V       *view
	Meeting activity.Meeting
}

type meetingData struct {
	Meeting activity.Meeting
	Users   []string
}

func (h *Handler) meetingDetail(w http.ResponseWriter, r *http.Request, v *view) {
	h.meetingPage(w, r, v, http.StatusOK)
}

func (h *Handler) meetingPage(w http.ResponseWriter, r *http.Request, v *view, status int) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	m, err := h.svc.Activity.Meeting(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	users, err := h.svc.Activity.MeetingUsers(r.Context(), id)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !v.Form.Has("name") {
		v.Form.Set("name", m.Name)
	}
	h.flashFromQuery(r, v)
	v.Data = meetingData{Meeting: m, Users: users}
	h.render(w, r, status, "meeting", v)
}

// renameMeeting gives a meeting a new name; a bad one is shown next to
// the name field.
func (h *Handler) renameMeeting(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	if _, err := h.svc.Activity.RenameMeeting(r.Context(), id, v.Val("name")); err != nil {
		h.meetingFormFail(w, r, v, err, "name")
		return
	}
	h.redirect(w, r, meetingPath(id)+"?done=meeting_renamed")
}

// closeMeeting closes a meeting; closing a closed one changes nothing.
func (h *Handler) closeMeeting(w http.ResponseWriter, r *http.Request, v *view) {
	h.act(w, r, v, func(ctx context.Context, id int64) error {
		_, err := h.svc.Activity.CloseMeeting(ctx, id)
		return err
	}, func(id int64) string { return meetingPath(id) + "?done=meeting_closed" })
}

// meetingFormFail shows a failed form of the meeting page again with the
// error next to field.
func (h *Handler) meetingFormFail(w http.ResponseWriter, r *http.Request, v *view, err error, field string) {
	h.editFail(w, r, v, err, field, func(status int) { h.meetingPage(w, r, v, status) })
}

func (h *Handler) deleteMeeting(w http.ResponseWriter, r *http.Request, v *view) {
	h.act(w, r, v, h.svc.Activity.DeleteMeeting, func(int64) string { return Prefix + "/org/meetings?done=meeting_deleted" })
}

func (h *Handler) authoriseUsers(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	ids := strings.FieldsFunc(v.Val("member_ids"), isListSeparator)
	if _, err := h.svc.Activity.AuthoriseUsers(r.Context(), id, ids); err != nil {
		field := "member_ids"
		if errors.Is(err, activity.ErrMeetingClosed) {
			field = "" // a closed meeting's page has no such form: say it above the page
		}
		h.meetingFormFail(w, r, v, err, field)
		return
	}
	h.redirect(w, r, meetingPath(id)+"?done=users_authorised")
}

func (h *Handler) revokeUser(w http.ResponseWriter, r *http.Request, v *view) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	if !h.parseForm(w, r, v) {
		return
	}
	if err := h.svc.Activity.RevokeUser(r.Context(), id, v.Val("member_id")); err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.redirect(w, r, meetingPath(id)+"?done=user_revoked")
}

// isListSeparator splits the ids typed into a list field: commas (also
// the full-width one), spaces and line breaks.
func isListSeparator(r rune) bool {
	return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
}
