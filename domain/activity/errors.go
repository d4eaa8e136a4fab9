package activity

import "github.com/campushub/campushub/domain/shared"

// The activity module's business errors. Transports map their Codes.
var (
	ErrActivityNotFound = shared.NewError(shared.KindNotFound, "activity.not_found", "activity not found")
	ErrOtherOrg         = shared.NewError(shared.KindForbidden, "activity.other_org", "the activity belongs to another organisation")
	ErrClosed           = shared.NewError(shared.KindForbidden, "activity.closed", "the activity is closed: it no longer accepts members")
	ErrNotPermitted     = shared.NewError(shared.KindForbidden, "activity.not_permitted", "the member is not an authorised user of any meeting this activity is limited to")
	ErrMeetingNotFound  = shared.NewError(shared.KindNotFound, "activity.meeting_not_found", "meeting not found")
	ErrOrgNotFound      = shared.NewError(shared.KindNotFound, "activity.org_not_found", "organisation not found")
	ErrTokenNotFound    = shared.NewError(shared.KindNotFound, "activity.token_not_found", "organisation token not found")
	ErrNotLottery       = shared.NewError(shared.KindInvalid, "activity.not_lottery", "winners can only be drawn for a lottery activity")
	ErrNoCandidates     = shared.NewError(shared.KindConflict, "activity.no_candidates", "every member has already been drawn")
	ErrOrgOnly          = shared.NewError(shared.KindForbidden, "activity.org_only", "only an organisation (access_type=org) may do this")
	ErrConcurrent       = shared.NewError(shared.KindConflict, "activity.concurrent_change", "another request made the same change at the same time; retry")
	ErrMemberIsCaller   = shared.NewError(shared.KindForbidden, "activity.member_mismatch", "a user may only act as their own member (member_id is the caller's account id)")
)
