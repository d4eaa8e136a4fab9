package activityapi

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-kit/kit/endpoint"
	kithttp "github.com/go-kit/kit/transport/http"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/domain/activity"
)

// csvHeader names the export's columns.
var csvHeader = []string{"member_id", "member_nickname", "member_icon", "member_real_name", "member_phone", "meeting_id", "joined_at", "updated_at"}

// csvHandler serves the members export: a UTF-8 CSV file with a BOM (so
// spreadsheet programs read the Chinese names), streamed in join order.
// Failures before the first byte answer in the family's envelope.
func (s *Server) csvHandler(e endpoint.Endpoint, dec kithttp.DecodeRequestFunc) http.Handler {
	return s.Custom(e, dec, httpkit.Encode(func(ctx context.Context, w http.ResponseWriter, stream appactivity.MemberStream) error {
		w.Header().Set("Content-Disposition", `attachment; filename="members.csv"`)
		if err := WriteMembersCSV(ctx, w, s.Clock(), stream); err != nil && s.Log() != nil {
			s.Log().ErrorContext(ctx, "members export broke off", "error", err)
		}
		return nil
	}))
}

// WriteMembersCSV streams members as the export's CSV: a UTF-8 file with a
// BOM (so spreadsheet programs read the Chinese names), in join order, times
// rendered by clock. It sets the Content-Type; the caller names the file.
func WriteMembersCSV(ctx context.Context, w http.ResponseWriter, clock httpkit.Clock, stream func(context.Context, func(activity.Member) error) error) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if _, err := w.Write([]byte("\ufeff")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	err := stream(ctx, func(m activity.Member) error {
		return cw.Write([]string{cell(m.MemberID), cell(m.Nickname), cell(m.Icon), cell(m.RealName), cell(m.Phone),
			strconv.FormatInt(m.MeetingID, 10), clock.Format(m.JoinedAt), clock.Format(m.UpdatedAt)})
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	return err
}

// cell defuses text a spreadsheet would run as a formula: text that starts
// with a tab or a carriage return, or whose first character after any
// blanks is =, +, - or @ (or, to be safe, their full-width forms, which
// Chinese input methods produce), gets a leading ' that makes it text.
func cell(v string) string {
	if strings.HasPrefix(v, "\t") || strings.HasPrefix(v, "\r") {
		return "'" + v
	}
	first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(v, unicode.IsSpace))
	if strings.ContainsRune("=+-@＝＋－＠", first) {
		return "'" + v
	}
	return v
}
