package kit_test

import (
	"math"
	"testing"

	"github.com/campushub/campushub/app/kit"
)

func TestPageOffset(t *testing.T) {
	cases := []struct {
		name string
		page kit.Page
		want int
	}{
		{"first page", kit.Page{No: 1, Size: 20}, 0},
		{"third page", kit.Page{No: 3, Size: 20}, 40},
		{"zero reads as the first page", kit.Page{No: 0, Size: 20}, 0},
		{"negative reads as the first page", kit.Page{No: -5, Size: 20}, 0},
		{"the last page computed as asked", kit.Page{No: kit.MaxPageNo, Size: 100}, (kit.MaxPageNo - 1) * 100},
		{"a huge page is clamped", kit.Page{No: math.MaxInt, Size: 100}, (kit.MaxPageNo - 1) * 100},
		{"a huge size saturates", kit.Page{No: 3, Size: math.MaxInt}, math.MaxInt},
		{"a negative size skips nothing", kit.Page{No: 3, Size: -1}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.page.Offset(); got != tc.want {
				t.Fatalf("%+v.Offset() = %d, want %d", tc.page, got, tc.want)
			}
		})
	}
}

func FuzzPageOffset(f *testing.F) {
	f.Add(1, 20)
	f.Add(math.MaxInt, 100)
	f.Add(math.MinInt, 1)
	f.Add(2, math.MaxInt)
	f.Fuzz(func(t *testing.T, no, size int) {
		p := kit.Page{No: no, Size: size}
		off := p.Offset()
		if off < 0 {
			t.Fatalf("%+v.Offset() = %d, negative", p, off)
		}
		if p.Limit() < 0 {
			t.Fatalf("%+v.Limit() = %d, negative", p, p.Limit())
		}
		if no >= 1 && no <= kit.MaxPageNo && size >= 0 && size <= 1<<20 && off != (no-1)*size {
			t.Fatalf("%+v.Offset() = %d, want %d", p, off, (no-1)*size)
		}
	})
}
