package main

import (
	"github.com/campushub/campushub/adapters/http/activityapi"
	"github.com/campushub/campushub/adapters/secure"
	"github.com/campushub/campushub/adapters/storage"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/ports"
)

func init() { moduleWirings = append(moduleWirings, wireActivity) }

// wireActivity mounts the activity API family: the WeChat-side routes, the
// organisation API and the managers' organisation administration.
func wireActivity(w *wiring, out *wired) error {
	svc := activityService(w)
	w.console.Activity = svc
	s := activityapi.NewServer(w.log, w.clock)
	out.families = append(out.families, s.Family())
	out.mounts = append(out.mounts,
		activityapi.WX{S: s, EP: appactivity.MakeWX(svc)},
		activityapi.Org{S: s, EP: appactivity.MakeOrg(svc)},
		activityapi.Walls{S: s, EP: appactivity.MakeWalls(svc)},
		activityapi.Participants{S: s, EP: appactivity.MakeParticipants(svc)},
		activityapi.Manage{S: s, EP: appactivity.MakeManage(svc, w.accounts)},
	)
	return nil
}

// activityService builds the activity use cases on the wiring's database.
func activityService(w *wiring) *appactivity.Service {
	db := w.db
	return appactivity.NewService(appactivity.Deps{
		UoW: db, Outbox: w.outbox,
		Organisations: storage.NewOrganisations(db), Activities: storage.NewActivities(db), Meetings: storage.NewMeetings(db),
		Members: storage.NewMembers(db), Signins: storage.NewCourseSignins(db), Winners: storage.NewWinners(db),
		Participants: storage.NewParticipants(db), Users: w.accounts, Random: secure.Random{}, Clock: ports.SystemClock{},
	})
}
