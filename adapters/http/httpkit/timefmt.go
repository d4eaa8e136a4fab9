package httpkit

import "time"

// TimeLayout is how the APIs render timestamps.
const TimeLayout = "2006-01-02 15:04:05"

// Clock renders times in the configured zone.
type Clock struct{ Loc *time.Location }

// Format renders t in the zone, "" for the zero time.
func (c Clock) Format(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(TimeLayout)
}

// Parse reads a wire timestamp in the zone.
func (c Clock) Parse(s string) (time.Time, error) {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(TimeLayout, s, loc)
	return t.UTC(), err
}
