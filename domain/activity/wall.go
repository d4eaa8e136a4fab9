package activity

import "github.com/campushub/campushub/domain/shared"

// OfKind returns the draft of an activity whose kind the route fixes (a
// sign-in wall is created at /activitys_signin, a message wall at
// /activitys_message): a kind left out becomes k, a kind naming k is kept,
// and any other kind is refused.
func (d Draft) OfKind(k Kind) (Draft, error) {
	if d.Kind != nil {
		got, err := ParseKind(*d.Kind)
		if err != nil {
			return d, err
		}
		if got != k {
			return d, shared.Invalid("kind", "this route creates %s activities; kind must be %s or left out, got %q", k, k, *d.Kind)
		}
	}
	kind := string(k)
	d.Kind = &kind
	return d, nil
}
