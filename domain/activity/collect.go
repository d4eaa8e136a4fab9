package activity

import (
	"strings"

	"github.com/campushub/campushub/domain/shared"
)

// Info is a piece of personal information an activity may collect.
type Info string

// The collectable information.
const (
	InfoName  Info = "name"
	InfoPhone Info = "phone"
)

// CollectInfo is the information an activity collects from its members, in
// the order the organisation listed it (the wire renders it as "phone,name").
type CollectInfo []Info

// ParseCollectInfo reads "name,phone", "phone", "" and the like; spaces are
// ignored and a repeated item counts once.
func ParseCollectInfo(s string) (CollectInfo, error) {
	var out CollectInfo
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		switch Info(part) {
		case "":
			continue
		case InfoName, InfoPhone:
			if !out.Has(Info(part)) {
				out = append(out, Info(part))
			}
		default:
			return nil, shared.Invalid("collect_info", "collect_info lists name and/or phone, comma-separated; %q is not one of them", part)
		}
	}
	return out, nil
}

// Has reports whether info is collected.
func (c CollectInfo) Has(info Info) bool {
	for _, i := range c {
		if i == info {
			return true
		}
	}
	return false
}

// String renders the list as "phone,name".
func (c CollectInfo) String() string {
	parts := make([]string, len(c))
	for i, info := range c {
		parts[i] = string(info)
	}
	return strings.Join(parts, ",")
}
