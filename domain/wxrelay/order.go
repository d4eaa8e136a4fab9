package wxrelay

import (
	"encoding/json"
	"strconv"
	"strings"
)

// personFields are the fields of a push's data that name the person it is
// about, tried in this order.
var personFields = []string{"user_id", "userid", "userId", "card_number", "cardNumber", "stu_no", "student_no", "id"}

// MaxOrderKey bounds an ordering key.
const MaxOrderKey = 200

// OrderKey is the key that orders an event's deliveries to projects that
// want ordered delivery: the school code and the person the push is
// about — the first of personFields present as a string or number in the
// decrypted data (or in raw_data when the app has no secret and raw_data
// is a JSON object) — or the school code alone when no person is named.
// Pushes about one person are then delivered in the order they were
// received; pushes about different people, or different schools, are not
// ordered with each other.
func OrderKey(schoolCode, data, rawData string) string {
	key := "school:" + schoolCode
	src := data
	if src == "" {
		src = rawData
	}
	var obj map[string]any
	if strings.HasPrefix(strings.TrimSpace(src), "{") && json.Unmarshal([]byte(src), &obj) == nil {
		for _, f := range personFields {
			if id := scalar(obj[f]); id != "" {
				key += "/person:" + id
				break
			}
		}
	}
	if len(key) > MaxOrderKey {
		key = "school:" + HashBody([]byte(key))[:32]
	}
	return key
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}
