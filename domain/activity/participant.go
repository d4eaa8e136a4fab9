package activity

import (
	"fmt"
	"strings"
	"time"

	"github.com/campushub/campushub/domain/shared"
)

// Source says how a member came to an activity.
type Source string

// The member sources.
const (
	// SourceJoined: the member joined through the WeChat side (userInfo).
	SourceJoined Source = "joined"
	// SourceImported: the organisation imported the member from a file.
	SourceImported Source = "imported"
)

// Participant is a member of a lottery as its participant list shows it:
// the member and, once drawn, when.
type Participant struct {
	Member
	// DrawnAt is when the participant was drawn; zero: not drawn (yet).
	DrawnAt time.Time
}

// Drawn reports whether the participant has been drawn.
func (p Participant) Drawn() bool { return !p.DrawnAt.IsZero() }

// MaxImportRows bounds the participants one import carries.
const MaxImportRows = 5000

// maxNamedRows bounds how many wrong rows an import's error names.
const maxNamedRows = 10

// ImportRow is one participant of an import: the line of the file it
// starts on, the member id and the profile it gives.
type ImportRow struct {
	Line     int
	MemberID string
	Profile  Profile
}

// ImportPlan is what an import changes: the members to create and the
// stored members it changes; Unchanged counts rows that change nothing.
type ImportPlan struct {
	Create    []Member
	Update    []Member
	Unchanged int
}

// ImportSummary counts what an import did.
type ImportSummary struct {
	Created, Updated, Unchanged int
}

// Summary counts the plan's changes.
func (p ImportPlan) Summary() ImportSummary {
	return ImportSummary{Created: len(p.Create), Updated: len(p.Update), Unchanged: p.Unchanged}
}

// ErrImportRows is the error of an import with wrong rows; its message
// names them (by line) and what is wrong with each.
var ErrImportRows = shared.NewError(shared.KindInvalid, "activity.import_rows", "some rows of the import are wrong; nothing was imported")

// rowError is what is wrong with one row.
type rowError struct {
	line int
	msg  string
}

// PlanImport checks the participants an organisation imports into lottery
// a at now and works out what they change; stored holds the members of a
// already stored under the rows' member ids. The rules: the activity is a
// lottery and open; the import holds 1 to MaxImportRows rows; each row
// names a valid member id that no other row repeats, and its profile
// passes the checks a member's does; the information a collects (name,
// phone) is in the row or already stored. Meeting permission does not
// apply: the organisation names its own participants. A row of a stored
// member updates its non-empty fields, as a member's own resubmission
// would. One wrong row fails the whole import: the error names every wrong
// row (the first ten of them in its message).
func PlanImport(a Activity, now time.Time, rows []ImportRow, stored map[string]Member) (ImportPlan, error) {
	if a.Kind != KindLottery {
		return ImportPlan{}, ErrNotLottery.WithMessage("participants can only be imported into a lottery activity; activity %d is a %s", a.ID, a.Kind)
	}
	if !a.IsOpen(now) {
		return ImportPlan{}, ErrClosed.WithMessage("activity %d is closed: it no longer accepts participants", a.ID)
	}
	if len(rows) == 0 {
		return ImportPlan{}, shared.Invalid("file", "the file holds no participants: give a header row and one row per participant")
	}
	if len(rows) > MaxImportRows {
		return ImportPlan{}, shared.Invalid("file", "the file holds %d participants; one import takes at most %d", len(rows), MaxImportRows)
	}
	var plan ImportPlan
	var wrong []rowError
	firstLine := make(map[string]int, len(rows))
	for _, r := range rows {
		m, err := a.importRow(r, now, stored)
		if err == nil {
			if line, seen := firstLine[m.MemberID]; seen {
				err = shared.Invalid("member_id", "member_id %q is repeated: line %d names it too", m.MemberID, line)
			}
		}
		if err != nil {
			wrong = append(wrong, rowError{line: r.Line, msg: err.Error()})
			continue
		}
		firstLine[m.MemberID] = r.Line
		current, isStored := stored[m.MemberID]
		switch {
		case !isStored:
			plan.Create = append(plan.Create, m)
		case current.Merge(r.Profile, now):
			plan.Update = append(plan.Update, current)
		default:
			plan.Unchanged++
		}
	}
	if len(wrong) > 0 {
		return ImportPlan{}, importRowsError(wrong)
	}
	return plan, nil
}

// importRow checks one row and returns the member it would create.
func (a Activity) importRow(r ImportRow, now time.Time, stored map[string]Member) (Member, error) {
	id := strings.TrimSpace(r.MemberID)
	if err := CheckMemberID(id); err != nil {
		return Member{}, err
	}
	if err := r.Profile.Check(); err != nil {
		return Member{}, err
	}
	current := stored[id]
	if a.CollectInfo.Has(InfoName) && r.Profile.RealName == "" && current.RealName == "" {
		return Member{}, shared.Invalid("member_real_name", "member_real_name is required: this activity collects name")
	}
	if a.CollectInfo.Has(InfoPhone) && r.Profile.Phone == "" && current.Phone == "" {
		return Member{}, shared.Invalid("member_phone", "member_phone is required: this activity collects phone")
	}
	m := Member{ActivityID: a.ID, MemberID: id, Source: SourceImported, JoinedAt: now, UpdatedAt: now}
	m.Merge(r.Profile, now)
	return m, nil
}

// importRowsError names the wrong rows of an import, the first
// maxNamedRows of them in full.
func importRowsError(wrong []rowError) error {
	parts := make([]string, 0, min(len(wrong), maxNamedRows))
	for _, w := range wrong[:min(len(wrong), maxNamedRows)] {
		parts = append(parts, fmt.Sprintf("line %d: %s", w.line, w.msg))
	}
	rows := "rows are"
	if len(wrong) == 1 {
		rows = "row is"
	}
	msg := fmt.Sprintf("nothing was imported: %d %s wrong: %s", len(wrong), rows, strings.Join(parts, "; "))
	if len(wrong) > maxNamedRows {
		msg += fmt.Sprintf("; and %d more", len(wrong)-maxNamedRows)
	}
	e := *ErrImportRows
	e.Field, e.Message = "file", msg
	return &e
}

// ParticipantsImported is the event of an import: what it did, in counts;
// each created or changed member has its own member_joined or
// member_updated event.
func ParticipantsImported(a Activity, s ImportSummary, now time.Time) shared.Event {
	return shared.NewEvent(Module, "participants_imported", a.AggregateID(), now, map[string]any{
		"activity_id": a.ID, "org_id": a.OrgID, "created": s.Created, "updated": s.Updated, "unchanged": s.Unchanged})
}
