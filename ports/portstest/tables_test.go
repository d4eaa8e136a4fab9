package portstest_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/ports/portstest"
)

func TestTables(t *testing.T) {
	table := map[int64]string{1: "one", 2: "two"}
	if v, err := portstest.Get(table, 2); v != "two" || err != nil {
		t.Fatalf("Get(2) = %q, %v", v, err)
	}
	if v, err := portstest.Get(table, 3); v != "" || !errors.Is(err, shared.ErrNotFound) {
		t.Fatalf("Get(3) = %q, %v; want not found", v, err)
	}
	if err := portstest.Replace(table, 3, "three"); !errors.Is(err, shared.ErrNotFound) {
		t.Fatalf("Replace(3) = %v; want not found", err)
	}
	if _, held := table[3]; held {
		t.Fatal("Replace of an unknown id stored it")
	}
	if err := portstest.Replace(table, 1, "uno"); err != nil || table[1] != "uno" {
		t.Fatalf("Replace(1) = %v, table %v", err, table)
	}
	if got := portstest.Pick(table, []int64{2, 9, 1}); !slices.Equal(got, []string{"two", "uno"}) {
		t.Fatalf("Pick = %q", got)
	}
}
