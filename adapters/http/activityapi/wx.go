package activityapi

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/activity"
)

// WX mounts the WeChat-side routes under /api/v3/activitys_for_wx/ and
// /activitys_for_wx/.
type WX struct {
	S  *Server
	EP appactivity.WX
}

// Mount implements server.Mounter.
func (w WX) Mount(r chi.Router) {
	s := w.S
	routes := []struct {
		method, path string
		h            http.Handler
	}{
		{http.MethodGet, "{id}", s.Say("查询成功").Handler(w.EP.Info, decodeActivity, httpkit.Data(s.activityData))},
		{http.MethodPost, "{id}/exist", s.Say("查询活动是否存在成功").Handler(w.EP.Exist, decodeActivity, httpkit.AsIs)},
		{http.MethodGet, "{id}/wx/collect_info", s.Say("成功获取").Handler(w.EP.CollectInfo, decodeActivity, httpkit.Data(collectInfo))},
		{http.MethodGet, "{id}/wx/auth_meeting", s.Say("成功获取").Handler(w.EP.AuthMeeting, decodeMember, httpkit.AsIs)},
		{http.MethodGet, "{id}/wx/hasJoin", s.Say("成功获取").Handler(w.EP.HasJoin, decodeMember, httpkit.Data(joined))},
		{http.MethodGet, "{id}/wx/hasJoin/{member_id}", s.Say("成功获取").Handler(w.EP.HasJoin, decodeMember, httpkit.Data(joined))},
		{http.MethodPost, "{id}/wx/userInfo", s.Say("提交用户微信信息成功").Handler(w.EP.SubmitMember, decodeSubmitMember, httpkit.AsIs)},
		{http.MethodPost, "course/{course_id}/signinInfo", s.Say("查询成功").Handler(w.EP.CourseSignin, decodeCourseSignin, httpkit.AsIs)},
	}
	for _, prefix := range []string{"/api/v3" + PrefixWX, PrefixWX} {
		for _, rt := range routes {
			r.Method(rt.method, prefix+rt.path, withCredential(rt.h))
		}
	}
}

// withCredential finds access_token and access_type in the query (as the
// seed's samples send them), else in the body's fields (JSON or form), and
// for the token also in an Authorization: Token header; it hands them to
// the endpoints' credential middleware. A body it reads is replayed to the
// decoder.
func withCredential(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		cred := appactivity.Credential{Token: q.Get("access_token"), Type: q.Get("access_type")}
		if (cred.Token == "" || cred.Type == "") && r.Method == http.MethodPost && r.Body != nil {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				r.Body = io.NopCloser(errBody{err})
			} else {
				r.Body = io.NopCloser(bytes.NewReader(body))
				if f, err := parseFields(r.Header.Get("Content-Type"), body); err == nil {
					cred.Token = cmp.Or(cred.Token, f["access_token"])
					cred.Type = cmp.Or(cred.Type, f["access_type"])
				}
			}
		}
		if cred.Token == "" && r.Header.Get("Authorization") != "" {
			cred.Token = auth.ParseAuthorization(r.Header.Get("Authorization"))
		}
		next.ServeHTTP(w, r.WithContext(appactivity.WithCredential(r.Context(), cred)))
	})
}

func decodeActivity(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost {
		if _, err := readFields(r); err != nil {
			return nil, err
		}
	}
	return kit.IDRequest{ID: id}, nil
}

func decodeMember(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	member, err := httpkit.PathText(r, "member_id")
	if err != nil {
		return nil, err
	}
	if member == "" {
		member = r.URL.Query().Get("member_id")
	}
	if err := httpkit.MaxLen("member_id", member, activity.MaxMemberIDLen); err != nil {
		return nil, err
	}
	return appactivity.MemberRequest{ID: id, MemberID: member}, nil
}

func decodeSubmitMember(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	f, err := readFields(r, "member_id", "member_icon", "member_nickname", "member_real_name", "member_phone")
	if err != nil {
		return nil, err
	}
	req := appactivity.SubmitMemberRequest{ID: id}
	for _, fd := range []struct {
		name string
		max  int
		dst  *string
	}{
		{"member_id", activity.MaxMemberIDLen, &req.MemberID},
		{"member_icon", activity.MaxURLLen, &req.Profile.Icon},
		{"member_nickname", activity.MaxNicknameLen, &req.Profile.Nickname},
		{"member_real_name", activity.MaxRealNameLen, &req.Profile.RealName},
		{"member_phone", activity.MaxPhoneLen, &req.Profile.Phone},
	} {
		if *fd.dst, err = f.field(fd.name, fd.max); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func decodeCourseSignin(_ context.Context, r *http.Request) (any, error) {
	course, err := httpkit.PathID(r, "course_id")
	if err != nil {
		return nil, err
	}
	f, err := readFields(r, "member_id", "member_icon", "member_nickname")
	if err != nil {
		return nil, err
	}
	req := appactivity.CourseSigninRequest{CourseID: course}
	if req.MemberID, err = f.field("member_id", activity.MaxMemberIDLen); err != nil {
		return nil, err
	}
	if req.Icon, err = f.field("member_icon", activity.MaxURLLen); err != nil {
		return nil, err
	}
	if req.Nickname, err = f.field("member_nickname", activity.MaxNicknameLen); err != nil {
		return nil, err
	}
	return req, nil
}

// joined is hasJoin's data: 1 or 0.
func joined(yes bool) int {
	if yes {
		return 1
	}
	return 0
}

// collectInfo is collect_info's data: the fields the activity collects.
func collectInfo(a activity.Activity) string { return a.CollectInfo.String() }

// ActivityData is the data of GET {id}: the seed's fields, ids as strings.
type ActivityData struct {
	ActivityID   string `json:"activity_id"`
	ActivityName string `json:"activity_name"`
	Background   string `json:"background"`
	Logo         string `json:"logo"`
	Music        string `json:"music"`
	Permission   string `json:"permission"`
	CollectInfo  string `json:"collect_info"`
	CloseTime    string `json:"close_time"`
}

func (s *Server) activityData(a activity.Activity) ActivityData {
	return ActivityData{
		ActivityID: strconv.FormatInt(a.ID, 10), ActivityName: a.Name, Background: a.Background, Logo: a.Logo,
		Music: a.Music, Permission: a.PermissionString(), CollectInfo: a.CollectInfo.String(), CloseTime: s.Clock().Format(a.CloseTime),
	}
}
