package wxrelay

import (
	"log/slog"
	"time"
	"unicode/utf8"
)

// failLogEvery is the shortest gap between two log lines about one
// project's failed attempts; the failures in between are counted in the
// next line.
const failLogEvery = 10 * time.Second

// maxLoggedError bounds the error text one line carries.
const maxLoggedError = 200

// failLog logs failed webhook attempts, at most one bounded line per
// project per failLogEvery. Only Run's goroutine uses it.
type failLog struct {
	projects map[int64]*projectFailures
}

type projectFailures struct {
	lastLine time.Time
	unlogged int // failures since the last line
	first    string
	status   int
}

// note records a batch's failed attempts and logs the projects whose
// turn it is.
func (f *failLog) note(log *slog.Logger, batch []result, now time.Time) {
	for _, r := range batch {
		if r.attempt == nil || r.attempt.Succeeded() {
			continue
		}
		if f.projects == nil {
			f.projects = map[int64]*projectFailures{}
		}
		pf := f.projects[r.d.ProjectID]
		if pf == nil {
			pf = &projectFailures{}
			f.projects[r.d.ProjectID] = pf
		}
		if pf.unlogged == 0 {
			pf.first, pf.status = r.attempt.Error, r.attempt.StatusCode
		}
		pf.unlogged++
	}
	for id, pf := range f.projects {
		if pf.unlogged == 0 {
			if now.Sub(pf.lastLine) > failLogEvery {
				delete(f.projects, id) // quiet for a while: forget it
			}
			continue
		}
		if now.Sub(pf.lastLine) < failLogEvery {
			continue
		}
		log.Warn("wxrelay: webhook attempts failed", "project_id", id, "failed", pf.unlogged,
			"at_most_one_line_per", failLogEvery.String(), "first_error", truncate(pf.first, maxLoggedError), "first_status", pf.status)
		pf.lastLine, pf.unlogged, pf.first, pf.status = now, 0, "", 0
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s + "…"
}
