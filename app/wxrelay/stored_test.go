package wxrelay_test

import (
	"time"

	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/adapters/webhook"
	"github.com/campushub/campushub/adapters/wxcrypto"
	"github.com/campushub/campushub/app/wxrelay"
	"github.com/campushub/campushub/ports"
)

// storedService is the relay on db's repositories with the real clock,
// one app key, "app", without a secret, and egress open to the tests'
// loopback endpoints.
func storedService(db *storage.DB) *wxrelay.Service {
	return wxrelay.NewService(wxrelay.Deps{
		UoW: db, Outbox: storage.NewOutbox(db), Projects: storage.NewWXProjects(db), Events: storage.NewWXEvents(db),
		Deliveries: storage.NewWXDeliveries(db), Egress: webhook.Egress{AllowPrivate: true}, Cipher: wxcrypto.Cipher{},
		Random: secure.Random{}, Clock: ports.SystemClock{},
	}, wxrelay.Config{Apps: map[string]string{"app": ""}, DedupWindow: time.Hour})
}
