package activityapi

import (
	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
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
		CollectInfo: a.CollectInfo.String(), Permission: perm, CloseTime: s.clock.Format(a.CloseTime),
		Closed: !a.ClosedAt.IsZero(), ClosedAt: s.clock.Format(a.ClosedAt),
		CreatedAt: s.clock.Format(a.CreatedAt), UpdatedAt: s.clock.Format(a.UpdatedAt),
	}
}

func (s *Server) activityView(resp any) any {
	return s.view(resp.(appactivity.Response).Data.(activity.Activity))
}

// pageOf renders a page of T as the seed's pagination envelope of V.
func pageOf[T, V any](resp any, render func(T) V) any {
	p := resp.(appactivity.Response).Data.(appactivity.PageResult)
	return httpkit.RenderPage(p.Page, p.Total, p.Items.([]T), render)
}

func (s *Server) activityPage(resp any) any {
	return pageOf(resp, s.view)
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
		MeetingID: m.MeetingID, JoinedAt: s.clock.Format(m.JoinedAt), UpdatedAt: s.clock.Format(m.UpdatedAt)}
}

func (s *Server) memberPage(resp any) any {
	return pageOf(resp, s.memberView)
}

// MeetingView is a meeting.
type MeetingView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) meeting(m activity.Meeting) MeetingView {
	return MeetingView{ID: m.ID, Name: m.Name, CreatedAt: s.clock.Format(m.CreatedAt)}
}

func (s *Server) meetingView(resp any) any {
	return s.meeting(resp.(appactivity.Response).Data.(activity.Meeting))
}

func (s *Server) meetingList(resp any) any {
	ms := resp.(appactivity.Response).Data.([]activity.Meeting)
	out := make([]MeetingView, len(ms))
	for i, m := range ms {
		out[i] = s.meeting(m)
	}
	return out
}

func users(resp any) any { return resp.(appactivity.Response).Data.([]string) }

// WinnerView is a drawn member.
type WinnerView struct {
	MemberID string `json:"member_id"`
	Nickname string `json:"member_nickname"`
	DrawnAt  string `json:"drawn_at"`
}

func (s *Server) winners(resp any) any {
	ws := resp.(appactivity.Response).Data.([]activity.Winner)
	out := make([]WinnerView, len(ws))
	for i, w := range ws {
		out[i] = WinnerView{MemberID: w.MemberID, Nickname: w.Nickname, DrawnAt: s.clock.Format(w.DrawnAt)}
	}
	return out
}

// OrgView is an organisation.
type OrgView struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) org(o activity.Organisation) OrgView {
	return OrgView{ID: o.ID, Name: o.Name, CreatedAt: s.clock.Format(o.CreatedAt)}
}

func (s *Server) orgData(resp any) any {
	return s.org(resp.(appactivity.Response).Data.(activity.Organisation))
}
