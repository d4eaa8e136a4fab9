package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports"
)

// ErrCodeBudget answers send_code when the service-wide budget of
// verification codes is used up; the app family maps it to 10010 with
// HTTP 429 and Retry-After.
var ErrCodeBudget = shared.NewError(shared.KindRateLimited, "code_budget", "the service has sent as many verification codes as it may for now; try again later")

// CodeBudget decorates a code sender with the service-wide budget against
// SMS pumping: at most PerMinute codes in a clock minute and PerDay in a
// day (midnight to midnight in Zone), over every client and account, SMS
// and e-mail alike. A code over the budget is not handed to the sender; the
// use case withdraws it. Every refusal counts in
// campushub_code_budget_refused_total{window}; the first in a window logs a
// warning and records a security.code_budget_exhausted event.
type CodeBudget struct {
	next      ports.CodeSender
	lim       *Limiter
	perMinute int
	perDay    int
	zone      *time.Location
	refused   *prometheus.CounterVec
}

// BudgetOptions configure a CodeBudget; a limit of 0 is off.
type BudgetOptions struct {
	PerMinute int
	PerDay    int
	Zone      *time.Location
	Registry  prometheus.Registerer
}

// NewCodeBudget wraps next.
func NewCodeBudget(next ports.CodeSender, lim *Limiter, o BudgetOptions) *CodeBudget {
	b := &CodeBudget{next: next, lim: lim, perMinute: o.PerMinute, perDay: o.PerDay, zone: o.Zone,
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campushub_code_budget_refused_total",
			Help: "send_code requests refused because the service-wide verification-code budget of the window (minute, day) was used up.",
		}, []string{"window"}),
	}
	if b.zone == nil {
		b.zone = time.UTC
	}
	if o.Registry != nil {
		o.Registry.MustRegister(b.refused)
	}
	return b
}

var _ ports.CodeSender = (*CodeBudget)(nil)

// SendCode implements ports.CodeSender.
func (b *CodeBudget) SendCode(ctx context.Context, to account.Identifier, code string) error {
	now := b.lim.Now()
	if b.perMinute > 0 {
		end := now.Truncate(time.Minute).Add(time.Minute)
		key := "code_budget:minute:" + strconv.FormatInt(now.Unix()/60, 10)
		if err := b.take(ctx, "minute", key, b.perMinute, end, now); err != nil {
			return err
		}
	}
	if b.perDay > 0 {
		local := now.In(b.zone)
		y, m, d := local.Date()
		end := time.Date(y, m, d+1, 0, 0, 0, 0, b.zone)
		key := "code_budget:day:" + local.Format("2006-01-02")
		if err := b.take(ctx, "day", key, b.perDay, end, now); err != nil {
			return err
		}
	}
	return b.next.SendCode(ctx, to, code)
}

func (b *CodeBudget) take(ctx context.Context, window, key string, limit int, end, now time.Time) error {
	ok, err := b.lim.store.Count(ctx, key, limit, end, now)
	name := "code_budget_" + window
	if err != nil {
		b.lim.checks.WithLabelValues(name, "error").Inc()
		// Codes cost money: without a working counter none is sent.
		return shared.NewError(shared.KindUnavailable, "code_budget_unavailable",
			"verification codes cannot be sent right now: the sending budget cannot be checked").WithRetryAfter(time.Minute)
	}
	if ok {
		b.lim.checks.WithLabelValues(name, "allowed").Inc()
		return nil
	}
	b.lim.checks.WithLabelValues(name, "limited").Inc()
	b.refused.WithLabelValues(window).Inc()
	wait := end.Sub(now)
	b.lim.logOnce(ctx, key, now, func() {
		b.lim.log.WarnContext(ctx, "verification-code budget used up: no more codes are sent until the window ends",
			"window", window, "limit", limit, "until", end.UTC().Format(time.RFC3339))
		b.lim.publish(ctx, shared.NewEvent(Module, "code_budget_exhausted", name, now, map[string]any{
			"window": window,
			"limit":  limit,
			"until":  end.UTC(),
		}))
	})
	return ErrCodeBudget.WithMessage("the service has sent its %d verification codes for this %s; try again in %s",
		limit, window, humanWait(wait)).WithRetryAfter(wait)
}

func humanWait(d time.Duration) string {
	s := Seconds(d)
	if s < 120 {
		return fmt.Sprintf("%d seconds", s)
	}
	return fmt.Sprintf("%d minutes", (s+59)/60)
}
