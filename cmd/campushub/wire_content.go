package main

import (
	"github.com/campushub/campushub/adapters/http/appapi"
	"github.com/campushub/campushub/adapters/storage"
	appcontent "github.com/campushub/campushub/app/content"
	"github.com/campushub/campushub/ports"
)

func init() { moduleWirings = append(moduleWirings, wireContent) }

// wireContent mounts the FAQ, feedback and managers' content routes.
func wireContent(w *wiring, out *wired) error {
	svc := appcontent.NewService(appcontent.Deps{
		UoW: w.db, Outbox: w.outbox,
		FAQs: storage.NewFAQs(w.db), Categories: storage.NewCategories(w.db), Feedbacks: storage.NewFeedbacks(w.db),
		Clock: ports.SystemClock{},
	})
	w.console.Content = svc
	ep := appcontent.MakeEndpoints(svc, w.accounts)
	out.mounts = append(out.mounts, appapi.Content{S: w.app, EP: ep}, appapi.ManageContent{S: w.app, EP: ep})
	return nil
}
