package wxapi

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appwx "github.com/campushub/campushub/app/wxrelay"
)

// Limits of the receive body's short fields.
const (
	maxAppKey     = 64
	maxSchoolCode = 64
	maxEvent      = 64
)

// Receive mounts POST /wx/wxc/receive.
type Receive struct {
	S  *Server
	EP appwx.Endpoints
}

// Mount implements server.Mounter.
func (m Receive) Mount(r chi.Router) {
	r.Method(http.MethodPost, ReceivePath, m.S.ReceiveHandler(m.EP.Receive, decodeReceive))
}

// decodeReceive reads {app_key, school_code, event, raw_data}. Fields it
// does not know are ignored: the platform may add some, and refusing its
// push would only make it retry.
func decodeReceive(_ context.Context, r *http.Request) (any, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var b struct {
		AppKey     *string `json:"app_key"`
		SchoolCode *string `json:"school_code"`
		Event      *string `json:"event"`
		RawData    *string `json:"raw_data"`
	}
	if err := lenientJSON(body, &b); err != nil {
		return nil, err
	}
	fields := []struct {
		name string
		v    *string
		max  int
	}{{"app_key", b.AppKey, maxAppKey}, {"school_code", b.SchoolCode, maxSchoolCode}, {"event", b.Event, maxEvent}, {"raw_data", b.RawData, 0}}
	for _, f := range fields {
		v := ""
		if f.v != nil {
			v = *f.v
		}
		if err := httpkit.Required(f.name, v); err != nil {
			return nil, err
		}
		if f.max > 0 {
			if err := httpkit.MaxLen(f.name, v, f.max); err != nil {
				return nil, err
			}
		}
	}
	return appwx.ReceiveInput{AppKey: *b.AppKey, SchoolCode: *b.SchoolCode, Event: *b.Event, RawData: *b.RawData, Body: body}, nil
}
