// Package content is the content module's domain: frequently asked
// questions, feedback categories, users' feedback and managers' replies.
package content

import (
	"strconv"
	"strings"

	"github.com/campushub/campushub/domain/shared"
)

// Module is the name of this module in events and topics.
const Module = "content"

// text trims v and checks it against the field's bounds.
func text(field, v string, required bool, max int) (string, error) {
	v = strings.TrimSpace(v)
	if required && v == "" {
		return "", shared.Invalid(field, "%s is required", field)
	}
	if n := len([]rune(v)); n > max {
		return "", shared.Invalid(field, "%s is too long (%d characters, at most %d)", field, n, max)
	}
	return v, nil
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }
