package kit

import "math"

// MaxPageNo is the last page number whose offset is computed as asked;
// a page further out is past every list the service can hold, so it is
// read as this one, which is empty. It keeps (No-1)*Size from overflowing
// into a negative offset that storage would drop, answering page 1.
const MaxPageNo = 1 << 30

// Page is a requested page of a list: No counts from 1, Size is the number
// of rows on a page. A use case answers with the Page it was asked for, so
// the caller's labels stay what the caller sent.
type Page struct{ No, Size int }

// Offset is the number of rows before the page. Numbers below 1 read as 1
// and numbers beyond MaxPageNo as MaxPageNo; the result never overflows.
func (p Page) Offset() int {
	skipped := min(max(p.No, 1), MaxPageNo) - 1
	size := max(p.Size, 0)
	if size > 0 && skipped > math.MaxInt/size {
		return math.MaxInt
	}
	return skipped * size
}

// Limit is the number of rows on the page (0 for a size below 1).
func (p Page) Limit() int { return max(p.Size, 0) }
