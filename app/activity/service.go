// Package activity holds the use cases of WeChat interactive activities —
// the WeChat-side reads and joins, course sign-in sync, the organisation's
// management of activities, meetings, members and lottery draws, and the
// managers' administration of organisations and their tokens — and the
// go-kit endpoints that wrap them.
package activity

import (
	"crypto/rand"
	"math/big"

	"github.com/campushub/campushub/app/auth"
	"github.com/campushub/campushub/ports"
)

// Deps are the ports the activity service needs.
type Deps struct {
	UoW           ports.UnitOfWork
	Outbox        ports.Outbox
	Organisations ports.Organisations
	Activities    ports.Activities
	Meetings      ports.Meetings
	Members       ports.Members
	Signins       ports.CourseSignins
	Winners       ports.Winners
	Participants  ports.Participants
	// Users authenticates access_type=user tokens (the account module).
	Users  auth.Authenticator
	Random ports.Random
	Dice   ports.Dice
	Clock  ports.Clock
}

// Service runs the activity use cases.
type Service struct{ Deps }

// NewService returns the activity service; a nil Clock is the system clock
// and a nil Dice draws from crypto/rand.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	if d.Dice == nil {
		d.Dice = CryptoDice{}
	}
	return &Service{Deps: d}
}

// CryptoDice draws uniformly from crypto/rand.
type CryptoDice struct{}

var _ ports.Dice = CryptoDice{}

// Intn returns a uniform number in [0, n).
func (CryptoDice) Intn(n int) int {
	k, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic("activity: crypto/rand failed: " + err.Error())
	}
	return int(k.Int64())
}
