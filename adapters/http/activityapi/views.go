package activityapi

import (
	"github.com/campushub/campushub/domain/activity"
)

// ActivityView is an activity as the organisation API shows it.
type ActivityView struct {
	ID          int64   `json:"id"`
	Name        string  `json:"name"`
	Kind        string  `json:"kind"`
	Background  string  `json:"background"`
	Logo        string  `json:"logo"`
	Music       string  `json:"music"`
	CollectInfo string  `json:"collect_info"`
	Permission  []int64 `json:"permission"`
	CloseTime   string  `json:"close_time"`
	Closed      bool    `json:"closed"`
	ClosedAt    string  `json:"closed_at"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

func (s *Server) view(a activity.Activity) ActivityView {
	perm := a.Permission
	if perm == nil {
		perm = []int64{}
	}
	return ActivityView{
		ID: a.ID, Name: a.Name, Kind: string(a.Kind), Background: a.Background, Logo: a.Logo, Music: a.Music,
		CollectInfo: a.CollectInfo.String(), Permission: perm, CloseTime: s.Clock().Format(a.CloseTime),
		Closed: !a.ClosedAt.IsZero(), ClosedAt: s.Clock().Format(a.ClosedAt),
		CreatedAt: s.Clock().Format(a.CreatedAt), UpdatedAt: s.Clock().Format(a.UpdatedAt),
	}
}

// MemberView is an activity member.
type MemberView struct {
	MemberID  string `json:"member_id"`
	Nickname  string `json:"member_nickname"`
	Icon      string `json:"member_icon"`
	RealName  string `json:"member_real_name"`
	Phone     string `json:"member_phone"`
	MeetingID int64  `json:"meeting_id"`
	JoinedAt  string `json:"joined_at"`
	UpdatedAt string `json:"updated_at"`
}

func (s *Server) memberView(m activity.Member) MemberView {
	return MemberView{MemberID: m.MemberID, Nickname: m.Nickname, Icon: m.Icon, RealName: m.RealName, Phone: m.Phone,
		MeetingID: m.MeetingID, JoinedAt: s.Clock().Format(m.JoinedAt), UpdatedAt: s.Clock().Format(m.UpdatedAt)}
}

// NamedView is what the API shows of a thing known by its name alone: its
// id, its name and when it was created.
type NamedView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

// MeetingView is a meeting.
type MeetingView = NamedView

// OrgView is an organisation.
type OrgView = NamedView

func (s *Server) meeting(m activity.Meeting) MeetingView {
	return NamedView{ID: m.ID, Name: m.Name, CreatedAt: s.Clock().Format(m.CreatedAt)}
}

func (s *Server) org(o activity.Organisation) OrgView {
	return NamedView{ID: o.ID, Name: o.Name, CreatedAt: s.Clock().Format(o.CreatedAt)}
}

// WinnerView is a drawn member.
type WinnerView struct {
	MemberID string `json:"member_id"`
	Nickname string `json:"member_nickname"`
	DrawnAt  string `json:"drawn_at"`
}

func (s *Server) winner(w activity.Winner) WinnerView {
	return WinnerView{MemberID: w.MemberID, Nickname: w.Nickname, DrawnAt: s.Clock().Format(w.DrawnAt)}
}
