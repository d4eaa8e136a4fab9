package console

import (
	"context"
	"net/http"
	"strconv"

	"github.com/campushub/campushub/app/kit"
	"github.com/campushub/campushub/domain/shared"
)

// pageSize is how many rows a console list shows at once.
const pageSize = 20

// lister fetches one page of a list: its rows and how many there are in
// all; the paged use cases of every module have this shape.
type lister[T any] func(ctx context.Context, p kit.Page) ([]T, int64, error)

// listPage answers a list page, the one way every console list is shown:
// it reads ?page, asks list for that page's rows, shows the message a
// redirect after a form named, and renders the template name with the
// view data that data builds from the rows and their pager. A bad page
// number or a failing use case gets the error page.
func listPage[T any](h *Handler, w http.ResponseWriter, r *http.Request, v *view, status int, name string,
	list lister[T], data func(rows []T, p pager) any) {
	no, err := pageNo(r)
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	rows, total, err := list(r.Context(), kit.Page{No: no, Size: pageSize})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	h.flashFromQuery(r, v)
	v.Data = data(rows, newPager(r, no, total))
	h.render(w, r, status, name, v)
}

// idAndPage reads the {id} of a page that shows one thing and a list of
// its own (a push's devices, a project's deliveries, an activity's
// members) and the list's ?page; bad ones get the error page and ok false.
func (h *Handler) idAndPage(w http.ResponseWriter, r *http.Request, v *view) (id int64, no int, ok bool) {
	id, err := pathID(r, "id")
	if err == nil {
		no, err = pageNo(r)
	}
	if err != nil {
		h.fail(w, r, v, err)
		return 0, 0, false
	}
	return id, no, true
}

// whole pages a list a use case returns in one piece (lists that are
// short by nature: push projects, meetings).
func whole[T any](all func(ctx context.Context) ([]T, error)) lister[T] {
	return func(ctx context.Context, p kit.Page) ([]T, int64, error) {
		rows, err := all(ctx)
		if err != nil {
			return nil, 0, err
		}
		start := min((p.No-1)*p.Size, len(rows))
		end := min(start+p.Size, len(rows))
		return rows[start:end], int64(len(rows)), nil
	}
}

// pageNo reads ?page=N (default 1).
func pageNo(r *http.Request) (int, error) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1_000_000 {
		return 1, shared.Invalid("page", "page must be a whole number from 1, got %q", s)
	}
	return n, nil
}

// pager links the pages of a list.
type pager struct {
	Page, Pages int
	Total       int64
	Prev, Next  string
}

// newPager builds the links of page no of total rows on r's URL, keeping
// its other query parameters.
func newPager(r *http.Request, no int, total int64) pager {
	pages := int((total + pageSize - 1) / pageSize)
	if pages < 1 {
		pages = 1
	}
	p := pager{Page: no, Pages: pages, Total: total}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if no > 1 {
		p.Prev = link(min(no-1, pages))
	}
	if no < pages {
		p.Next = link(no + 1)
	}
	return p
}

// offset is where page no starts.
func offset(no int) int { return (no - 1) * pageSize }
