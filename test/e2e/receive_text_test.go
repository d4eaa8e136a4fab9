package e2e

import (
	"net/http"
	"testing"

	"github.com/campushub/campushub/adapters/wxcrypto"
	"github.com/campushub/campushub/test/testenv"
)

// TestReceiveRefusesTextNoDatabaseStores: on every backend, a 微校 push
// whose fields hold a NUL, or whose raw_data decrypts to bytes that are not
// text (it was encrypted for another app), is answered 400 with the relay's
// code instead of failing in storage, and a good push right after is
// stored.
func TestReceiveRefusesTextNoDatabaseStores(t *testing.T) {
	const key, secret = "abcdefghijklmnop", "SECRETsecret1234-and-more"
	garbled, err := wxcrypto.Encrypt("ponmlkjihgfedcba", secret, []byte(`{"userid":"u1","name":"张三"}`))
	if err != nil {
		t.Fatal(err)
	}
	good, err := wxcrypto.Encrypt(key, secret, []byte(`{"userid":"u1","name":"张三"}`))
	if err != nil {
		t.Fatal(err)
	}
	testenv.EachBackendURL(t, func(t *testing.T, url string) {
		base := startService(t, map[string]string{"DATABASE_URL": url, "WX_APPS": "plainapp0001:," + key + ":" + secret}).URL
		cases := []struct {
			name         string
			body         map[string]string
			status, code int
		}{
			{"a NUL in event", map[string]string{"app_key": "plainapp0001", "school_code": "45229", "event": "add\x00User", "raw_data": "x"}, http.StatusBadRequest, 11003},
			{"raw_data encrypted for another app", map[string]string{"app_key": key, "school_code": "45229", "event": "addUser", "raw_data": garbled}, http.StatusBadRequest, 11001},
			{"a good push", map[string]string{"app_key": key, "school_code": "45229", "event": "addUser", "raw_data": good}, http.StatusOK, 0},
		}
		for _, tc := range cases {
			r := post(t, base, "/wx/wxc/receive", tc.body, nil)
			if r.Status != tc.status || r.Code != tc.code {
				t.Errorf("%s: HTTP %d code %d (%s), want HTTP %d code %d", tc.name, r.Status, r.Code, r.Message, tc.status, tc.code)
			}
		}
	})
}
