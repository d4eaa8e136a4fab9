package wxrelay

import (
	"context"
	"testing"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/domain/wxrelay"
	"github.com/campushub/campushub/ports"
)

// Deliveries abandoned because their project went away end with a
// delivery_failed event each, giving the reason; finished
// deliveries and other projects' deliveries are left alone.
func TestAbandonedDeliveriesPublishDeliveryFailed(t *testing.T) {
	cases := []struct {
		name   string
		act    func(ctx context.Context, s *Service, id int64) error
		reason wxrelay.FailureReason
	}{
		{"project deleted", func(ctx context.Context, s *Service, id int64) error {
			return s.DeleteProject(ctx, id)
		}, wxrelay.FailedProjectDeleted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, m, _ := newTestService()
			ctx := context.Background()
			gone, _ := s.AddProject(ctx, "https://gone.example.org", "gone")
			other, _ := s.AddProject(ctx, "https://other.example.org", "other")
			for i := 0; i < 3; i++ {
				if err := s.Receive(ctx, ReceiveInput{AppKey: "plain", Event: "addUser", RawData: "r", Body: []byte{byte(i)}}); err != nil {
					t.Fatal(err)
				}
			}
			done, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: gone.ID, Limit: 1})
			if err := s.Deliveries.Update(ctx, done[0].Record(wxrelay.Attempt{At: done[0].CreatedAt, StatusCode: 204}, wxrelay.RetryPolicy{MaxAttempts: 1}, 0)); err != nil {
				t.Fatal(err)
			}
			m.published = nil

			if err := tc.act(ctx, s, gone.ID); err != nil {
				t.Fatal(err)
			}
			var failed []shared.Event
			for _, e := range m.published {
				if e.Type == "delivery_failed" {
					failed = append(failed, e)
				}
			}
			if len(failed) != 2 {
				t.Fatalf("%d delivery_failed events, want 2 (3 deliveries, 1 already succeeded): %v", len(failed), m.types())
			}
			for _, e := range failed {
				if e.Payload["reason"] != string(tc.reason) || e.Payload["project_id"] != gone.ID || e.Payload["status"] != "failed" {
					t.Fatalf("delivery_failed payload %v, want reason %s for project %d", e.Payload, tc.reason, gone.ID)
				}
			}
			pending, _, _ := s.Deliveries.List(ctx, ports.DeliveryFilter{ProjectID: other.ID, Status: wxrelay.DeliveryPending})
			if len(pending) != 3 {
				t.Fatalf("the other project has %d pending deliveries, want 3", len(pending))
			}
		})
	}
}
