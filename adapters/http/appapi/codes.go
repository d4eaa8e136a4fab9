package appapi

import (
	"context"
	"net/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
)

// The app API's codes (app-api.txt).
const (
	CodeOK              = 0
	CodeGeneric         = 10000
	CodeNotFound        = 10001
	CodePathNotFound    = 10002
	CodeForbidden       = 10003
	CodeInvalidToken    = 10004
	CodeInvalidField    = 10005
	CodeNotRegistered   = 10006
	CodeWrongPassword   = 10007
	CodeInvalidCode     = 10008
	CodeRegistered      = 10009
	CodeTooFrequent     = 10010
	CodeSMSArrears      = 10011
	CodeSMSFailed       = 10012
	CodeSMSUnavailable  = 10013
	CodeMailUnavailable = 10014
)

// byCode maps a domain error's Code to the API's number and HTTP status.
// Modules add their specific errors here; anything else is mapped by kind.
var byCode = map[string]struct{ code, status int }{
	httpkit.ErrRouteNotFound.Code:     {CodePathNotFound, http.StatusNotFound},
	httpkit.ErrMethodNotAllowed.Code:  {CodePathNotFound, http.StatusMethodNotAllowed},
	httpkit.ErrBodyTooLarge.Code:      {CodeInvalidField, http.StatusRequestEntityTooLarge},
	account.ErrNotRegistered.Code:     {CodeNotRegistered, http.StatusNotFound},
	account.ErrWrongPassword.Code:     {CodeWrongPassword, http.StatusUnauthorized},
	account.ErrInvalidCode.Code:       {CodeInvalidCode, http.StatusBadRequest},
	account.ErrAlreadyRegistered.Code: {CodeRegistered, http.StatusConflict},
	account.ErrTooFrequent.Code:       {CodeTooFrequent, http.StatusTooManyRequests},
	account.ErrLocked.Code:            {CodeForbidden, http.StatusLocked},
	account.ErrInactive.Code:          {CodeForbidden, http.StatusForbidden},
	account.ErrSMSArrears.Code:        {CodeSMSArrears, http.StatusServiceUnavailable},
	account.ErrSMSFailed.Code:         {CodeSMSFailed, http.StatusBadGateway},
	account.ErrSMSUnavailable.Code:    {CodeSMSUnavailable, http.StatusServiceUnavailable},
	account.ErrMailUnavailable.Code:   {CodeMailUnavailable, http.StatusServiceUnavailable},
}

// byKind is the fallback mapping.
var byKind = map[shared.Kind]int{
	shared.KindInvalid:         CodeInvalidField,
	shared.KindNotFound:        CodeNotFound,
	shared.KindUnauthenticated: CodeInvalidToken,
	shared.KindForbidden:       CodeForbidden,
	shared.KindConflict:        CodeInvalidField,
	shared.KindRateLimited:     CodeTooFrequent,
	shared.KindLocked:          CodeForbidden,
	shared.KindUnavailable:     CodeGeneric,
}

// Code maps err, the failure of a request with context ctx, to an HTTP
// status, the API's code and a message. Errors that are not domain errors
// are internal: 500, 10000 and a generic message (the details go to the log
// only).
func Code(_ context.Context, err error) (status, code int, message string) {
	e, ok := httpkit.AsError(err)
	if !ok || e.Kind == shared.KindInternal {
		return http.StatusInternalServerError, CodeGeneric, "internal error"
	}
	if m, ok := byCode[e.Code]; ok {
		return m.status, m.code, e.Error()
	}
	if c, ok := byKind[e.Kind]; ok {
		return httpkit.Status(e), c, e.Error()
	}
	return http.StatusInternalServerError, CodeGeneric, "internal error"
}
