package appapi_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// farPages are page numbers past every list: the largest int64, where
// (page_no-1)*page_size overflows, and numbers around the clamp.
var farPages = []string{"9223372036854775807", "4611686018427387904", "1073741825", "1073741824"}

// checkFarPages asks path for each far page and wants an empty page that
// keeps the labels asked for and the true total, not page 1.
func checkFarPages(t *testing.T, h *harness, path, token string, total int64) {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	for _, no := range farPages {
		q := fmt.Sprintf("%s%spage_no=%s&page_size=2", path, sep, no)
		p := pageOf(t, h.ok(h.do("GET", q, "", token)))
		if fmt.Sprint(p.CurrentPage) != no || p.PageSize != 2 || p.Total != total || p.Pages != (total+1)/2 || len(p.Data) != 0 {
			t.Errorf("GET %s = current_page %d page_size %d total %d pages %d with %d rows; want an empty page %s of %d",
				q, p.CurrentPage, p.PageSize, p.Total, p.Pages, len(p.Data), no, total)
		}
	}
}

func TestPushListsFarOutAreEmpty(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"d1","client_type":"android"}`, tok))
	h.ok(h.do("POST", "/api/push/bind", `{"client_id":"d2","client_type":"ios"}`, tok))
	var id int64
	for range 3 {
		id = int64(decode(t, h.ok(h.do("POST", "/api/manage/push", seedPushSend, mgr)))["id"].(float64))
	}
	h.dispatch()
	if p := pageOf(t, h.ok(h.do("GET", "/api/push/log?page_size=2", "", tok))); p.Total != 3 || len(p.Data) != 2 {
		t.Fatalf("the push log before paging far out: %+v", p)
	}
	checkFarPages(t, h, "/api/push/log", tok, 3)
	checkFarPages(t, h, "/api/manage/push", mgr, 3)
	checkFarPages(t, h, fmt.Sprintf("/api/manage/push/%d/deliveries", id), mgr, 2)
}

func TestContentListsFarOutAreEmpty(t *testing.T) {
	h := newHarness(t)
	_, tok := h.user()
	_, mgr := h.manager()
	for i := range 3 {
		h.ok(h.do("POST", "/api/manage/faq", fmt.Sprintf(`{"title":"q%d","content":"a"}`, i), mgr))
		h.ok(h.do("POST", "/api/manage/feedback_category", fmt.Sprintf(`{"name":"c%d"}`, i), mgr))
		h.ok(h.do("POST", "/api/feedback", fmt.Sprintf(`{"feedback_content":"f%d"}`, i), tok))
	}
	checkFarPages(t, h, "/api/faq", tok, 3)
	checkFarPages(t, h, "/api/feedback_category", tok, 3)
	checkFarPages(t, h, "/api/feedback", tok, 3)
	checkFarPages(t, h, "/api/manage/feedback", mgr, 3)
	over := fmt.Sprintf("/api/faq?page_no=%d0", uint64(math.MaxInt64))
	h.fail(over, h.do("GET", over, "", tok), 400, 10005)
}
