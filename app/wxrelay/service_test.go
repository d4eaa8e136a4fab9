package wxrelay

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

func TestReceive(t *testing.T) {
	cases := []struct {
		name    string
		in      ReceiveInput
		wantErr error
		created bool
	}{
		{"plain app", ReceiveInput{AppKey: "plain", Event: "addUser", RawData: "x", Body: []byte("1")}, nil, true},
		{"encrypted app", ReceiveInput{AppKey: "secret", Event: "addUser", RawData: `enc:{"a":1}`, Body: []byte("2")}, nil, true},
		{"unknown app", ReceiveInput{AppKey: "nobody", Body: []byte("3")}, wxrelay.ErrUnknownApp, false},
		{"undecryptable", ReceiveInput{AppKey: "secret", RawData: "clear", Body: []byte("4")}, wxrelay.ErrUndecryptable, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, m, _ := newTestService()
			if _, err := s.AddProject(context.Background(), "https://a.example.org", "a"); err != nil {
				t.Fatal(err)
			}
			err := s.Receive(context.Background(), tc.in)
			if !errors.Is(err, tc.wantErr) && !(err == nil && tc.wantErr == nil) {
				t.Fatalf("Receive = %v, want %v", err, tc.wantErr)
			}
			if got := len(m.events) == 1; got != tc.created {
				t.Fatalf("event created = %v, want %v", got, tc.created)
			}
			if tc.created && !slices.Contains(m.types(), "event_received") {
				t.Fatalf("events published: %v", m.types())
			}
		})
	}
}

func TestReceiveDeduplicatesWithinTheWindow(t *testing.T) {
	s, m, c := newTestService()
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		if _, err := s.AddProject(ctx, "https://"+name+".example.org", name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UpdateProject(ctx, UpdateInput{ID: 2, Status: ptr(int64(1))}); err != nil {
		t.Fatal(err)
	}
	in := ReceiveInput{AppKey: "plain", Event: "addUser", RawData: "x", Body: []byte(`{"same":"body"}`)}
	for i := 0; i < 3; i++ {
		if err := s.Receive(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if len(m.events) != 1 || len(m.deliveries) != 2 {
		t.Fatalf("after a repeated body: %d events, %d deliveries; want 1 and 2", len(m.events), len(m.deliveries))
	}
	for _, d := range m.deliveries {
		if want := map[int64]wxrelay.DeliveryStatus{1: wxrelay.DeliveryPending, 2: wxrelay.DeliveryHeld}[d.ProjectID]; d.Status != want {
			t.Fatalf("delivery to project %d is %s, want %s (project 2 is invalid: held)", d.ProjectID, d.Status, want)
		}
	}
	c.Advance(2 * time.Hour)
	if err := s.Receive(ctx, in); err != nil {
		t.Fatal(err)
	}
	if len(m.events) != 2 {
		t.Fatalf("after the window: %d events, want 2", len(m.events))
	}
}

func TestProjects(t *testing.T) {
	s, m, _ := newTestService()
	ctx := context.Background()
	p, err := s.AddProject(ctx, "hooks.example.org/wx", " alpha ")
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != "https://hooks.example.org/wx" || p.Name != "alpha" || !strings.HasPrefix(p.Secret, SecretPrefix) {
		t.Fatalf("added %+v", p)
	}
	if _, err := s.AddProject(ctx, "https://hooks.example.org/wx", "alpha"); !errors.Is(err, wxrelay.ErrProjectExists) {
		t.Fatalf("duplicate add = %v", err)
	}
	if _, err := s.AddProject(ctx, "https://internal.example.org", "x"); !errors.Is(err, wxrelay.ErrEgressDenied) {
		t.Fatalf("refused url = %v", err)
	}
	if _, err := s.UpdateProject(ctx, UpdateInput{ID: 99}); !errors.Is(err, wxrelay.ErrProjectNotFound) {
		t.Fatalf("update unknown = %v", err)
	}
	rotated, err := s.RotateSecret(ctx, p.ID)
	if err != nil || rotated.Secret == "" {
		t.Fatalf("rotate = %+v, %v", rotated, err)
	}
	for _, e := range m.published {
		for k, v := range e.Payload {
			if s, ok := v.(string); ok && strings.HasPrefix(s, SecretPrefix) {
				t.Fatalf("event %s carries the secret in %s", e.Type, k)
			}
		}
	}
	if err := s.Receive(ctx, ReceiveInput{AppKey: "plain", Body: []byte("1")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProject(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	ds, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: p.ID})
	if len(ds) != 1 || ds[0].Status != wxrelay.DeliveryFailed {
		t.Fatalf("deliveries of a deleted project: %+v", ds)
	}
	want := []string{"project_added", "project_updated", "event_received", "delivery_failed", "project_deleted"}
	if got := m.types(); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
}

func ptr[T any](v T) *T { return &v }
