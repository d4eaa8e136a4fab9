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
		{http.MethodGet, "{id}", s.handler(w.EP.Info, decodeActivity, "查询成功", s.activityData)},
		{http.MethodPost, "{id}/exist", s.handler(w.EP.Exist, decodeActivity, "查询活动是否存在成功", dataOf)},
		{http.MethodGet, "{id}/wx/collect_info", s.handler(w.EP.CollectInfo, decodeActivity, "成功获取", collectInfo)},
		{http.MethodGet, "{id}/wx/auth_meeting", s.handler(w.EP.AuthMeeting, decodeMember, "成功获取", dataOf)},
		{http.MethodGet, "{id}/wx/hasJoin", s.handler(w.EP.HasJoin, decodeMember, "成功获取", joined)},
		{http.MethodGet, "{id}/wx/hasJoin/{member_id}", s.handler(w.EP.HasJoin, decodeMember, "成功获取", joined)},
		{http.MethodPost, "{id}/wx/userInfo", s.handler(w.EP.SubmitMember, decodeSubmitMember, "提交用户微信信息成功", dataOf)},
		{http.MethodPost, "course/{course_id}/signinInfo", s.handler(w.EP.CourseSignin, decodeCourseSignin, "查询成功", dataOf)},
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

func pathID(r *http.Request, name string) (int64, error) {
	return httpkit.ParseID(name, chi.URLParam(r, name))
}

func decodeActivity(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost {
		if _, err := readFields(r); err != nil {
			return nil, err
		}
	}
	return appactivity.IDRequest{ID: id}, nil
}

func decodeMember(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	member := chi.URLParam(r, "member_id")
	if member == "" {
		member = r.URL.Query().Get("member_id")
	}
	if err := httpkit.MaxLen("member_id", member, activity.MaxMemberIDLen); err != nil {
		return nil, err
	}
	return appactivity.MemberRequest{ID: id, MemberID: member}, nil
}

func decodeSubmitMember(_ context.Context, r *http.Request) (any, error) {
	id, err := pathID(r, "id")
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
	course, err := pathID(r, "course_id")
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

// dataOf renders a response's data as it is.
func dataOf(resp any) any { return resp.(appactivity.Response).Data }

func joined(resp any) any {
	if resp.(appactivity.Response).Data.(bool) {
		return 1
	}
	return 0
}

func collectInfo(resp any) any {
	return resp.(appactivity.Response).Data.(activity.Activity).CollectInfo.String()
}

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

func (s *Server) activityData(resp any) any {
	a := resp.(appactivity.Response).Data.(activity.Activity)
	return ActivityData{
		ActivityID: strconv.FormatInt(a.ID, 10), ActivityName: a.Name, Background: a.Background, Logo: a.Logo,
		Music: a.Music, Permission: a.PermissionString(), CollectInfo: a.CollectInfo.String(), CloseTime: s.clock.Format(a.CloseTime),
	}
}
