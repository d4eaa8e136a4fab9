package portstest

import "github.com/campushub/campushub/domain/shared"

// The in-memory repositories of the app tests keep their rows in maps by
// id; these answer the way every storage adapter does.

// Get returns the entry of table with id, and shared.ErrNotFound when it
// holds none.
func Get[V any](table map[int64]V, id int64) (V, error) {
	v, ok := table[id]
	if !ok {
		return v, shared.ErrNotFound
	}
	return v, nil
}

// Replace stores v under an id table already holds; an unknown id is
// shared.ErrNotFound.
func Replace[V any](table map[int64]V, id int64, v V) error {
	if _, ok := table[id]; !ok {
		return shared.ErrNotFound
	}
	table[id] = v
	return nil
}

// Pick returns the entries of table with the ids, in the order asked,
// leaving out ids it does not hold.
func Pick[V any](table map[int64]V, ids []int64) []V {
	var out []V
	for _, id := range ids {
		if v, ok := table[id]; ok {
			out = append(out, v)
		}
	}
	return out
}
