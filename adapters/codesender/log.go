// Package codesender delivers verification codes: Log writes them to the
// service log (development), SMTP e-mails them.
package codesender

import (
	"context"
	"log/slog"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/ports"
)

// Log "delivers" codes by logging them: one line with the account and the
// code. It is the development default; the service warns at start when it is
// in use, since anyone who reads the log can register any account. The line
// is a warning: it is the delivery itself, so it reaches the log at once even
// when lines below warn are written in batches (LOG_FLUSH_INTERVAL).
type Log struct{ Logger *slog.Logger }

var _ ports.CodeSender = Log{}

// SendCode logs the code.
func (l Log) SendCode(ctx context.Context, to account.Identifier, code string) error {
	l.Logger.WarnContext(ctx, "verification code (CODE_SENDER=log)", "account", to.Key(), "code", code)
	return nil
}
