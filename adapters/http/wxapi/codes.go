package wxapi

import (
	"context"
	"net/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/auth"
	appwx "github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
)

// The wx API's codes (wx-relay-api.txt, 错误码列表). The seed gives 16000
// to both "already exists" and "does not exist"; not found is 16001 here.
const (
	CodeOK             = 0
	CodeUnknown        = 10000
	CodeMethod         = 10001
	CodeInvalidToken   = 10003
	CodeEmptyToken     = 10004
	CodeNotAllowed     = 10006
	CodeFormat         = 11001
	CodeEmptyBody      = 11002
	CodeParameter      = 11003
	CodeExists         = 16000
	CodeNotFound       = 16001
	CodeReceiveFailure = 16009
)

// Transport-level errors of this family.
var (
	// ErrFormat is a body or form that does not parse or has wrong types.
	ErrFormat = shared.NewError(shared.KindInvalid, "wx.format", "parameter format check failed")
	// ErrEmptyBody is a request without the body it needs.
	ErrEmptyBody = shared.NewError(shared.KindInvalid, "wx.empty_body", "request body is empty")
)

type mapping struct{ code, status int }

var byCode = map[string]mapping{
	httpkit.ErrRouteNotFound.Code:    {CodeMethod, http.StatusNotFound},
	httpkit.ErrMethodNotAllowed.Code: {CodeMethod, http.StatusMethodNotAllowed},
	httpkit.ErrBodyTooLarge.Code:     {CodeFormat, http.StatusRequestEntityTooLarge},
	ErrFormat.Code:                   {CodeFormat, http.StatusBadRequest},
	ErrEmptyBody.Code:                {CodeEmptyBody, http.StatusBadRequest},
	wxrelay.ErrProjectExists.Code:    {CodeExists, http.StatusConflict},
	wxrelay.ErrProjectNotFound.Code:  {CodeNotFound, http.StatusNotFound},
	wxrelay.ErrDeliveryNotFound.Code: {CodeNotFound, http.StatusNotFound},
	wxrelay.ErrEventNotFound.Code:    {CodeNotFound, http.StatusNotFound},
	wxrelay.ErrUnknownApp.Code:       {CodeNotAllowed, http.StatusForbidden},
	wxrelay.ErrUndecryptable.Code:    {CodeFormat, http.StatusBadRequest},
	wxrelay.ErrEgressDenied.Code:     {CodeParameter, http.StatusBadRequest},
	wxrelay.ErrReceiveStorage.Code:   {CodeReceiveFailure, http.StatusServiceUnavailable},
	appwx.ErrProjectInactive.Code:    {CodeParameter, http.StatusConflict},
	shared.ErrAlreadyExists.Code:     {CodeExists, http.StatusConflict},
	shared.ErrNotFound.Code:          {CodeNotFound, http.StatusNotFound},
	auth.ErrNotManager.Code:          {CodeNotAllowed, http.StatusForbidden},
	shared.ErrUnauthenticated.Code:   {CodeInvalidToken, http.StatusUnauthorized},
}

var byKind = map[shared.Kind]mapping{
	shared.KindInvalid:         {CodeParameter, http.StatusBadRequest},
	shared.KindNotFound:        {CodeNotFound, http.StatusNotFound},
	shared.KindUnauthenticated: {CodeInvalidToken, http.StatusUnauthorized},
	shared.KindForbidden:       {CodeNotAllowed, http.StatusForbidden},
	shared.KindConflict:        {CodeExists, http.StatusConflict},
	shared.KindRateLimited:     {CodeNotAllowed, http.StatusTooManyRequests},
	shared.KindLocked:          {CodeNotAllowed, http.StatusLocked},
	shared.KindUnavailable:     {CodeUnknown, http.StatusServiceUnavailable},
}

// Code maps err to an HTTP status, the API's code and a message. A missing
// credential is 10004, a bad one 10003. Errors that are not domain errors
// are internal: 500, 10000 and a generic message (details go to the log).
func Code(ctx context.Context, err error) (status, code int, message string) {
	e, ok := httpkit.AsError(err)
	if !ok || e.Kind == shared.KindInternal {
		return http.StatusInternalServerError, CodeUnknown, "internal error"
	}
	if e.Kind == shared.KindUnauthenticated && auth.TokenFrom(ctx) == "" {
		return http.StatusUnauthorized, CodeEmptyToken, "token is empty: send Authorization: Token <access_token>, a token header or a token query parameter"
	}
	if m, ok := byCode[e.Code]; ok {
		return m.status, m.code, e.Error()
	}
	if m, ok := byKind[e.Kind]; ok {
		return m.status, m.code, e.Error()
	}
	return http.StatusInternalServerError, CodeUnknown, "internal error"
}
