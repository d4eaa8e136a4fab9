// Package pushprovider implements the PushProvider port: Log, which writes
// pushes to the service log (development), and Getui, a client of the Getui
// v2 REST API that pushes one notification to a list of client ids.
package pushprovider

import (
	"context"
	"log/slog"

	"github.com/campushub/campushub/domain/push"
	"github.com/campushub/campushub/ports"
)

// Log accepts every message and writes it to the log.
type Log struct{ Logger *slog.Logger }

var _ ports.PushProvider = Log{}

// Send logs each message and reports it accepted.
func (l Log) Send(ctx context.Context, msgs []push.Message) ([]push.Result, error) {
	out := make([]push.Result, len(msgs))
	for i, m := range msgs {
		if l.Logger != nil {
			l.Logger.InfoContext(ctx, "push (PUSH_PROVIDER=log)", "push_id", m.PushID, "client_id", m.ClientID,
				"client_type", string(m.ClientType), "title", m.Title)
		}
		out[i] = push.Result{Accepted: true, Detail: "logged"}
	}
	return out, nil
}
