package content

import (
	"strings"
	"testing"
	"time"
)

func TestNewFeedback(t *testing.T) {
	now := time.Now()
	cases := []struct {
		name, content, phone string
		category             int64
		wantField            string
	}{
		{name: "seed example", content: "反馈内容", phone: "18656660930", category: 1},
		{name: "phone with country code and spaces", content: "fine", phone: "+86 186 5666 0930"},
		{name: "no phone, no category", content: "fine"},
		{name: "blank", content: "  ", wantField: "feedback_content"},
		{name: "too short", content: "x", wantField: "feedback_content"},
		{name: "too long", content: strings.Repeat("长", MaxFeedbackContent+1), wantField: "feedback_content"},
		{name: "letters in phone", content: "fine", phone: "call me", wantField: "contact_phone"},
		{name: "phone too short", content: "fine", phone: "1234", wantField: "contact_phone"},
		{name: "phone too long", content: "fine", phone: strings.Repeat("1", 21), wantField: "contact_phone"},
		{name: "double separators", content: "fine", phone: "186--5666", wantField: "contact_phone"},
		{name: "negative category", content: "fine", category: -1, wantField: "feedback_category_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewFeedback(7, tc.content, tc.category, tc.phone, now)
			if tc.wantField != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantField+":") {
					t.Fatalf("err = %v, want one about %s", err, tc.wantField)
				}
				return
			}
			if err != nil || f.Status != Pending || f.UserID != 7 {
				t.Fatalf("feedback = %+v, %v", f, err)
			}
		})
	}
}

func TestAnswer(t *testing.T) {
	now := time.Now()
	f := Feedback{ID: 3, UserID: 2, Status: Pending}
	var r Reply
	if err := Answer(&f, &r, 9, "回复内容", Replied, now); err != nil {
		t.Fatal(err)
	}
	if f.Status != Replied || r.ManagerID != 9 || r.FeedbackID != 3 || r.IsRead || !r.CreatedAt.Equal(now) {
		t.Fatalf("after answering: %+v %+v", f, r)
	}
	if !r.MarkRead(now) || r.MarkRead(now) {
		t.Fatal("MarkRead reports a change only the first time")
	}
	r.ID = 5
	later := now.Add(time.Hour)
	if err := Answer(&f, &r, 10, "closing", Closed, later); err != nil {
		t.Fatal(err)
	}
	if r.IsRead || f.Status != Closed || r.ManagerID != 10 || !r.CreatedAt.Equal(now) {
		t.Fatalf("a second answer: %+v %+v", f, r)
	}
	for name, tc := range map[string]struct {
		content string
		status  Status
	}{"empty": {"", Replied}, "back to pending": {"x", Pending}, "too long": {strings.Repeat("r", MaxReplyContent+1), Replied}} {
		if err := Answer(&f, &r, 9, tc.content, tc.status, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFAQEdit(t *testing.T) {
	cases := []struct {
		name string
		in   FAQInput
		ok   bool
	}{
		{"plain", FAQInput{Title: "标题", Content: "内容"}, true},
		{"with link", FAQInput{Title: "t", Content: "c", ExternalLink: "https://example.com/a"}, true},
		{"no title", FAQInput{Content: "c"}, false},
		{"no content", FAQInput{Title: "t"}, false},
		{"script link", FAQInput{Title: "t", Content: "c", ExternalLink: "javascript:alert(1)"}, false},
		{"relative link", FAQInput{Title: "t", Content: "c", ExternalLink: "/help"}, false},
		{"long category", FAQInput{Title: "t", Content: "c", Category: strings.Repeat("c", MaxFAQCategory+1)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := FAQ{Title: "old"}
			err := f.Edit(tc.in, time.Now())
			if (err == nil) != tc.ok {
				t.Fatalf("Edit = %v", err)
			}
			if !tc.ok && f.Title != "old" {
				t.Fatal("a refused edit changed the entry")
			}
		})
	}
}
