package appapi

import (
	"context"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appaccount "github.com/campushub/campushub/app/account"
	"github.com/campushub/campushub/domain/account"
)

// Account mounts /api/auth/* and /api/personal/info.
type Account struct {
	S  *Server
	EP appaccount.Endpoints
	// Limit, when set, returns the middleware limiting one unauthenticated
	// auth route per client, by its limit name: send_code, check_code,
	// register, login (access_token), refresh.
	Limit func(name string) func(http.Handler) http.Handler
}

// Mount implements server.Mounter.
func (a Account) Mount(r chi.Router) {
	s := a.S
	limit := func(name string, h http.Handler) http.Handler {
		if a.Limit == nil {
			return h
		}
		return a.Limit(name)(h)
	}
	r.Method(http.MethodPost, "/api/auth/send_code", limit("send_code", s.Handler(a.EP.SendCode, decodeSendCode, nil)))
	r.Method(http.MethodPost, "/api/auth/check_code", limit("check_code", s.Handler(a.EP.CheckCode, decodeCheckCode, nil)))
	r.Method(http.MethodPost, "/api/auth/register", limit("register", s.Handler(a.EP.Register, decodeRegister, httpkit.Data(s.tokens))))
	r.Method(http.MethodPost, "/api/auth/access_token", limit("login", s.Handler(a.EP.Login, decodeLogin, httpkit.Data(s.tokens))))
	r.Method(http.MethodPost, "/api/auth/refresh_token", limit("refresh", s.Handler(a.EP.Refresh, decodeRefresh, httpkit.Data(s.tokens))))
	r.Method(http.MethodPost, "/api/auth/destroy_token", s.Handler(a.EP.Destroy, httpkit.NoBody, nil))
	r.Method(http.MethodGet, "/api/personal/info", s.Handler(a.EP.Info, httpkit.NoInput, httpkit.Data(s.info)))
	r.Method(http.MethodPut, "/api/personal/info", s.Handler(a.EP.UpdateInfo, decodeUpdateInfo, httpkit.Data(s.info)))
}

type accountBody struct {
	Area     string `json:"area"`
	Account  string `json:"account"`
	Code     string `json:"code"`
	Password string `json:"password"`
}

// decodeAccountBody reads the auth routes' body; allowed lists the fields the
// route takes besides area and account, so a field of another route is
// reported as unknown rather than silently ignored.
func decodeAccountBody(r *http.Request, allowed ...string) (accountBody, error) {
	var b accountBody
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return b, err
	}
	if err := httpkit.Required("account", b.Account); err != nil {
		return b, err
	}
	if err := httpkit.MaxLen("area", b.Area, 8); err != nil {
		return b, err
	}
	for field, v := range map[string]string{"code": b.Code, "password": b.Password} {
		if !slices.Contains(allowed, field) && v != "" {
			return b, unknownField(field)
		}
		if slices.Contains(allowed, field) {
			if err := httpkit.Required(field, v); err != nil {
				return b, err
			}
		}
	}
	if err := httpkit.MaxLen("code", b.Code, 16); err != nil {
		return b, err
	}
	return b, nil
}

func decodeSendCode(_ context.Context, r *http.Request) (any, error) {
	b, err := decodeAccountBody(r)
	return appaccount.SendCodeRequest{Area: b.Area, Account: b.Account}, err
}

func decodeCheckCode(_ context.Context, r *http.Request) (any, error) {
	b, err := decodeAccountBody(r, "code")
	return appaccount.CheckCodeRequest{Area: b.Area, Account: b.Account, Code: b.Code}, err
}

func decodeRegister(_ context.Context, r *http.Request) (any, error) {
	b, err := decodeAccountBody(r, "code", "password")
	return appaccount.RegisterRequest{Area: b.Area, Account: b.Account, Code: b.Code, Password: b.Password}, err
}

func decodeLogin(_ context.Context, r *http.Request) (any, error) {
	b, err := decodeAccountBody(r, "password")
	return appaccount.LoginRequest{Area: b.Area, Account: b.Account, Password: b.Password}, err
}

func decodeRefresh(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	if err := httpkit.Required("refresh_token", b.RefreshToken); err != nil {
		return nil, err
	}
	if err := httpkit.MaxLen("refresh_token", b.RefreshToken, 200); err != nil {
		return nil, err
	}
	return appaccount.RefreshRequest{RefreshToken: b.RefreshToken}, nil
}

func decodeUpdateInfo(_ context.Context, r *http.Request) (any, error) {
	var b struct {
		Nickname *string `json:"nickname"`
		Avatar   *string `json:"avatar"`
		Gender   *int    `json:"gender"`
		Birthday *string `json:"birthday"`
		Address  *string `json:"address"`
	}
	if err := httpkit.DecodeJSON(r, &b); err != nil {
		return nil, err
	}
	return appaccount.UpdateInfoRequest{Change: account.ProfileChange{
		Nickname: b.Nickname, Avatar: b.Avatar, Gender: b.Gender, Birthday: b.Birthday, Address: b.Address,
	}}, nil
}

// TokenData is the data of register, access_token and refresh_token.
type TokenData struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresAt    string `json:"expires_at"`
	ExpiresIn    int64  `json:"expires_in"`
}

func (s *Server) tokens(p account.Pair) TokenData {
	return TokenData{AccessToken: p.Access, RefreshToken: p.Refresh, ExpiresAt: s.Clock().Format(p.ExpiresAt), ExpiresIn: int64(p.ExpiresIn.Seconds())}
}

// InfoData is the data of /api/personal/info, exactly the seed's fields.
type InfoData struct {
	ID        int64  `json:"id"`
	Area      string `json:"area"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
	OpenID    string `json:"openid"`
	Role      int    `json:"role"`
	Username  string `json:"username"`
	IsActive  bool   `json:"is_active"`
	AppID     string `json:"app_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	Nickname  string `json:"nickname"`
	Avatar    string `json:"avatar"`
	Gender    int    `json:"gender"`
	Birthday  string `json:"birthday"`
	Address   string `json:"address"`
}

func (s *Server) info(a account.Account) InfoData {
	return InfoData{
		ID: a.ID, Area: a.Area, Phone: a.Phone, Email: a.Email, OpenID: a.OpenID, Role: int(a.Role),
		Username: a.Username, IsActive: a.IsActive, AppID: a.AppID,
		CreatedAt: s.Clock().Format(a.CreatedAt), UpdatedAt: s.Clock().Format(a.UpdatedAt),
		Nickname: a.Profile.Nickname, Avatar: a.Profile.Avatar, Gender: int(a.Profile.Gender),
		Birthday: a.Profile.Birthday, Address: a.Profile.Address,
	}
}
