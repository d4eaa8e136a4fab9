package wxrelay

import (
	"context"
	"encoding/json"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// payload is the JSON body every project receives for an event. Fields are
// in alphabetical order, so the bytes are those of the same document
// rendered from a map.
type payload struct {
	Data      payloadData `json:"data"`
	Timestamp string      `json:"timestamp"`
	Type      string      `json:"type"`
}

type payloadData struct {
	AppKey     string `json:"app_key"`
	Data       any    `json:"data,omitempty"`
	Event      string `json:"event"`
	EventID    int64  `json:"event_id"`
	RawData    string `json:"raw_data"`
	ReceivedAt string `json:"received_at"`
	SchoolCode string `json:"school_code"`
}

// Payload renders the JSON body every project receives for e: the same
// bytes on every attempt. data is the decrypted raw_data, as JSON when it
// is JSON and as a string otherwise; it is left out when the app has no
// secret.
func Payload(e wxrelay.Event, loc *time.Location) ([]byte, error) {
	inner := payloadData{AppKey: e.AppKey, Event: e.Name, EventID: e.ID, RawData: e.RawData,
		ReceivedAt: e.ReceivedAt.In(loc).Format("2006-01-02 15:04:05"), SchoolCode: e.SchoolCode}
	if e.Data != "" {
		if json.Valid([]byte(e.Data)) {
			inner.Data = json.RawMessage(e.Data)
		} else {
			inner.Data = e.Data
		}
	}
	return json.Marshal(payload{Data: inner, Timestamp: e.ReceivedAt.UTC().Format(time.RFC3339Nano), Type: "wxc." + e.Name})
}

// maxPayloads bounds the dispatcher's cache of rendered payloads; an event
// usually goes to several projects, whose deliveries are claimed together.
const maxPayloads = 4 * maxBatch

// load fetches the projects of claimed deliveries and the payloads of their
// events, rendering each event once while it stays in the cache.
func (disp *Dispatcher) load(ctx context.Context, ds []wxrelay.Delivery) ([]job, error) {
	if len(disp.payloads)+len(ds) > maxPayloads {
		clear(disp.payloads)
	}
	var eids, pids []int64
	wanted, seenProject := make(map[int64]bool, len(ds)), make(map[int64]bool)
	for _, d := range ds {
		if !seenProject[d.ProjectID] {
			seenProject[d.ProjectID] = true
			pids = append(pids, d.ProjectID)
		}
		if _, ok := disp.payloads[d.EventID]; !ok && !wanted[d.EventID] {
			wanted[d.EventID] = true
			eids = append(eids, d.EventID)
		}
	}
	events, err := disp.svc.Events.ByIDs(ctx, eids)
	if err != nil {
		return nil, err
	}
	failed := map[int64]error{}
	for _, e := range events {
		body, err := Payload(e, disp.cfg.Location)
		if err != nil {
			failed[e.ID] = err
			continue
		}
		disp.payloads[e.ID] = body
	}
	projects, err := disp.svc.Projects.ByIDs(ctx, pids)
	if err != nil {
		return nil, err
	}
	byProject := make(map[int64]wxrelay.Project, len(projects))
	for _, p := range projects {
		byProject[p.ID] = p
	}
	jobs := make([]job, len(ds))
	for i, d := range ds {
		p, ok := byProject[d.ProjectID]
		jobs[i] = job{d: d, p: p, found: ok, body: disp.payloads[d.EventID], bodyErr: failed[d.EventID]}
	}
	return jobs, nil
}
