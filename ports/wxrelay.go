package ports

import (
	"context"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// WXProjects stores push projects. Create and Update return
// shared.ErrAlreadyExists when another project has the same url and name;
// lookups return shared.ErrNotFound.
type WXProjects interface {
	Create(ctx context.Context, p *wxrelay.Project) error
	ByID(ctx context.Context, id int64) (wxrelay.Project, error)
	ByIDs(ctx context.Context, ids []int64) ([]wxrelay.Project, error)
	List(ctx context.Context) ([]wxrelay.Project, error)
	// ActiveIDs lists the projects that receive deliveries.
	ActiveIDs(ctx context.Context) ([]int64, error)
	// Update writes a project's url, name, secret and status.
	Update(ctx context.Context, p wxrelay.Project) error
	// SetHealth writes only a project's health (breaker) and status, so
	// the dispatcher never overwrites a manager's concurrent change of url,
	// name or secret.
	SetHealth(ctx context.Context, p wxrelay.Project) error
	// Paused lists the valid projects whose breaker is open.
	Paused(ctx context.Context) ([]wxrelay.Project, error)
	// TakeProbe reserves a paused project's next probe: it moves
	// next_probe_at to next if it was due at now and reports whether this
	// caller won; of replicas racing for one probe exactly one wins.
	TakeProbe(ctx context.Context, id int64, now, next time.Time) (bool, error)
	Delete(ctx context.Context, id int64) error
}

// WXEvents stores received events and their deduplication keys.
type WXEvents interface {
	// ClaimAll records each hash as seen at now and reports, for each,
	// whether it is fresh: not seen after since, nor earlier in hashes.
	ClaimAll(ctx context.Context, hashes []string, now, since time.Time) ([]bool, error)
	// CreateAll inserts events and sets their IDs.
	CreateAll(ctx context.Context, es []wxrelay.Event) error
	ByIDs(ctx context.Context, ids []int64) ([]wxrelay.Event, error)
}

// DeliveryFilter selects deliveries to list.
type DeliveryFilter struct {
	EventID   int64
	ProjectID int64
	Status    wxrelay.DeliveryStatus
	Offset    int
	Limit     int
}

// WXDeliveries stores deliveries and their attempts.
type WXDeliveries interface {
	// CreateForProjects creates a delivery of each event to each project:
	// pending and due at now for valid projects, held for invalid ones. It
	// returns how many it created.
	CreateForProjects(ctx context.Context, eventIDs []int64, now time.Time) (int, error)
	ByID(ctx context.Context, id int64) (wxrelay.Delivery, error)
	List(ctx context.Context, f DeliveryFilter) ([]wxrelay.Delivery, int64, error)
	Attempts(ctx context.Context, deliveryID int64) ([]wxrelay.Attempt, error)
	// Claim leases up to limit pending deliveries due at now to owner until
	// leaseUntil, skipping rows another owner holds and the projects in
	// skip. Replicas never claim the same row at once. A claimed delivery
	// may come back with NextAttemptAt moved to leaseUntil: when it is due
	// again should its outcome never be written.
	Claim(ctx context.Context, owner string, now, leaseUntil time.Time, limit int, skip []int64) ([]wxrelay.Delivery, error)
	// ClaimProbe leases to owner the oldest pending delivery of a project
	// that no lease holds — or, with leastTried, the one with the fewest
	// attempts, oldest first — whenever it is due: the probe of a paused
	// project. It returns none when there is nothing to probe with.
	ClaimProbe(ctx context.Context, owner string, projectID int64, now, leaseUntil time.Time, leastTried bool) ([]wxrelay.Delivery, error)
	// Release gives up owner's lease on ids without recording anything;
	// they are due again at now.
	Release(ctx context.Context, owner string, ids []int64, now time.Time) error
	// SaveAll writes back the deliveries owner still holds a lease on,
	// frees those leases and returns their ids; a lost lease means another
	// owner took over.
	SaveAll(ctx context.Context, owner string, ds []wxrelay.Delivery) ([]int64, error)
	// Update writes d regardless of leases (replays).
	Update(ctx context.Context, d wxrelay.Delivery) error
	// AddAttempts inserts finished attempts.
	AddAttempts(ctx context.Context, as []wxrelay.Attempt) error
	// OpenAttempts records attempts about to be made — before their
	// requests leave — with no outcome yet, and sets their IDs.
	OpenAttempts(ctx context.Context, as []wxrelay.Attempt) error
	// CloseAttempts writes the outcomes of opened attempts, by ID.
	CloseAttempts(ctx context.Context, as []wxrelay.Attempt) error
	// CloseUnknown closes the attempts of deliveryIDs that were opened
	// and never closed (their process stopped) with reason as their
	// error, counts each in its delivery's attempts, and returns how many
	// it closed per delivery.
	CloseUnknown(ctx context.Context, deliveryIDs []int64, reason string) (map[int64]int, error)
	// SetOrdering gives a project's pending and held deliveries their
	// events' ordering keys, or clears them.
	SetOrdering(ctx context.Context, projectID int64, ordered bool) error
	// Renew extends owner's leases on ids until until.
	Renew(ctx context.Context, owner string, ids []int64, until time.Time) error
	// AbandonPending fails every pending delivery of a project, leased or
	// not (an attempt in flight then loses its lease, so its outcome is not
	// written over the abandonment), and returns them as abandoned.
	AbandonPending(ctx context.Context, projectID int64, reason string, now time.Time) ([]wxrelay.Delivery, error)
	// ReplayFailed restarts every failed delivery of a project and returns
	// how many.
	ReplayFailed(ctx context.Context, projectID int64, now time.Time) (int, error)
	// ReplaySince makes a project receive every event received at or after
	// since: it restarts the failed deliveries of those events, releases
	// the held ones and creates the deliveries that do not exist (events
	// received before the project existed, or lost), due at now. It
	// returns how many it restarted or released, and how many it created.
	ReplaySince(ctx context.Context, projectID int64, since, now time.Time) (replayed, created int, err error)
	// HoldPending holds every pending delivery of a project, leased or not
	// (an attempt in flight loses its lease), and returns how many.
	HoldPending(ctx context.Context, projectID int64, now time.Time) (int, error)
	// ReleaseHeld makes a project's held deliveries pending, due at now
	// with a fresh run, and returns how many.
	ReleaseHeld(ctx context.Context, projectID int64, now time.Time) (int, error)
	// ExpireHeld fails, with reason, up to limit held deliveries created
	// before before (of one project, or all when projectID is 0), and
	// returns them as failed.
	ExpireHeld(ctx context.Context, projectID int64, before, now time.Time, reason string, limit int) ([]wxrelay.Delivery, error)
	// Backlog counts each project's pending and held deliveries and the
	// creation time of its oldest one.
	Backlog(ctx context.Context) (map[int64]Backlog, error)
}

// Backlog is what a project has not received yet.
type Backlog struct {
	Pending, Held int
	Oldest        time.Time
}

// WebhookRequest is one signed POST to a project.
type WebhookRequest struct {
	URL       string
	MessageID string // webhook-id: the same for every attempt of a delivery
	Timestamp time.Time
	Body      []byte
	Secret    string // whsec_…
}

// WebhookResult is what one attempt got.
type WebhookResult struct {
	StatusCode int
	Latency    time.Duration
	Response   string // the first bytes of the answer
	Err        error  // transport failure, timeout or refused address
}

// WebhookDeliverer sends signed webhooks.
type WebhookDeliverer interface {
	Deliver(ctx context.Context, req WebhookRequest) WebhookResult
}

// EgressPolicy decides which URLs push projects may point at.
type EgressPolicy interface {
	// CheckURL returns wxrelay.ErrEgressDenied (with a precise message) when
	// the URL's host is, in any spelling, or resolves to a refused address;
	// otherwise it returns the URL with an address host written canonically.
	CheckURL(ctx context.Context, rawURL string) (string, error)
}

// WXCipher decrypts the raw_data of a push.
type WXCipher interface {
	Decrypt(appKey, appSecret, rawData string) ([]byte, error)
}
