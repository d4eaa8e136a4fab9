package main

import (
	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/pushprovider"
	"github.com/campushub/campushub/adapters/storage"
	apppush "github.com/campushub/campushub/app/push"
	"github.com/campushub/campushub/ports"
)

func init() { moduleWirings = append(moduleWirings, wirePush) }

// wirePush mounts the push routes and runs the dispatcher that hands queued
// pushes to the configured provider.
func wirePush(w *wiring, out *wired) error {
	var provider ports.PushProvider = pushprovider.Log{Logger: w.log}
	if w.cfg.PushProvider == "getui" {
		provider = pushprovider.NewGetui(pushprovider.GetuiConfig{
			BaseURL: w.cfg.PushProviderURL, AppID: w.cfg.PushAppID, AppKey: w.cfg.PushAppKey, MasterSecret: w.cfg.PushMasterSecret,
		})
	} else {
		w.log.Warn("PUSH_PROVIDER=log: pushes are written to this log, not delivered; set PUSH_PROVIDER=getui in production")
	}
	svc := apppush.NewService(apppush.Deps{
		UoW: w.db, Outbox: w.outbox,
		Devices: storage.NewDevices(w.db), Logs: storage.NewPushLogs(w.db), Deliveries: storage.NewDeliveries(w.db),
		Provider: provider, Replies: storage.NewFeedbacks(w.db), Clock: ports.SystemClock{}, Logger: w.log,
	})
	w.console.Push = svc
	ep := apppush.MakeEndpoints(svc, w.accounts)
	out.mounts = append(out.mounts, appapi.Push{S: w.app, EP: ep}, appapi.ManagePush{S: w.app, EP: ep})
	dispatcher := apppush.NewDispatcher(svc)
	svc.OnQueued(dispatcher.Wake)
	out.workers = append(out.workers, dispatcher)
	return nil
}
