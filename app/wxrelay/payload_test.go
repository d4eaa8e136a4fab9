package wxrelay

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/campushub/campushub/domain/wxrelay"
)

// The payload is the document below, byte for byte: receivers that stored
// an earlier attempt's body see the same bytes again.
func TestPayload(t *testing.T) {
	at := time.Date(2026, 11, 23, 3, 4, 5, 123000000, time.UTC)
	shanghai := time.FixedZone("CST", 8*3600)
	base := wxrelay.Event{ID: 3, AppKey: "abcdefghijklmnop", SchoolCode: "45229", Name: "addUser", RawData: "r<&>", ReceivedAt: at}
	cases := []struct {
		name string
		data string
		want any // the "data" member, nil when absent
	}{
		{"no secret", "", nil},
		{"decrypted JSON", `{"user_id": 7}`, json.RawMessage(`{"user_id":7}`)},
		{"decrypted text", "not json", "not json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			e.Data = tc.data
			got, err := Payload(e, shanghai)
			if err != nil {
				t.Fatal(err)
			}
			inner := map[string]any{"event_id": int64(3), "app_key": e.AppKey, "school_code": "45229", "event": "addUser",
				"raw_data": "r<&>", "received_at": "2026-11-23 11:04:05"}
			if tc.want != nil {
				inner["data"] = tc.want
			}
			want, _ := json.Marshal(map[string]any{"type": "wxc.addUser", "timestamp": "2026-11-23T03:04:05.123Z", "data": inner})
			if string(got) != string(want) {
				t.Fatalf("Payload =\n%s\nwant\n%s", got, want)
			}
		})
	}
}
