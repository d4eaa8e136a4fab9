package activityapi

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/campushub/campushub/adapters/http/httpkit"
	appactivity "github.com/campushub/campushub/app/activity"
	"github.com/campushub/campushub/domain/activity"
	"github.com/campushub/campushub/domain/shared"
)

// importColumns are the columns of a participant file, in the template's
// order; member_id is the one every file must have.
var importColumns = []string{"member_id", "member_nickname", "member_icon", "member_real_name", "member_phone"}

// encodeTemplate answers the participant file template: a UTF-8 CSV file
// with a BOM (so spreadsheet programs read Chinese text) holding only the
// header row.
func encodeTemplate(_ context.Context, w http.ResponseWriter, a activity.Activity) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	if err := cw.Write(importColumns); err != nil {
		return err
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="participants-%d-template.csv"`, a.ID))
	_, err := w.Write(b.Bytes())
	return err
}

// decodeImport reads a participant file: the body as text/csv, or the
// part named "file" of a multipart/form-data body. The file is bounded by
// the server's body limit and by activity.MaxImportRows rows.
func decodeImport(_ context.Context, r *http.Request) (any, error) {
	id, err := httpkit.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	file, err := importFile(r)
	if err != nil {
		return nil, err
	}
	rows, err := ParseParticipants(file)
	if err != nil {
		return nil, err
	}
	return appactivity.ImportRequest{ID: id, Rows: rows}, nil
}

// importFile returns the bytes of the uploaded file.
func importFile(r *http.Request) ([]byte, error) {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil && r.Header.Get("Content-Type") != "" {
		return nil, shared.Invalid("Content-Type", "malformed Content-Type: send text/csv or multipart/form-data")
	}
	switch ct {
	case "text/csv", "application/csv", "text/plain":
		return httpkit.ReadBody(r)
	case "multipart/form-data":
		return multipartFile(r, params["boundary"])
	default:
		return nil, shared.Invalid("Content-Type", "send the participant file as text/csv, or as the field \"file\" of multipart/form-data; got %q", cmp.Or(ct, "no Content-Type"))
	}
}

// multipartFile reads the part named "file"; other parts are refused.
func multipartFile(r *http.Request, boundary string) ([]byte, error) {
	if boundary == "" {
		return nil, shared.Invalid("Content-Type", "multipart/form-data needs a boundary")
	}
	mr := multipart.NewReader(r.Body, boundary)
	var file []byte
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err, "malformed multipart body")
		}
		name := part.FormName()
		if name != "file" {
			return nil, shared.Invalid(cmp.Or(name, "body"), "unknown form field %q: send the participant file as the field \"file\"", name)
		}
		if found {
			return nil, shared.Invalid("file", "file is given twice; give it once")
		}
		if file, err = io.ReadAll(part); err != nil {
			return nil, bodyError(err, "could not read the file")
		}
		found = true
	}
	if !found {
		return nil, shared.Invalid("file", "file is required: the participant file as the form field \"file\"")
	}
	return file, nil
}

// bodyError names a body over the limit as such, and any other read
// failure as malformed input.
func bodyError(err error, what string) error {
	if tooBig, ok := httpkit.BodyTooLarge(err); ok {
		return tooBig
	}
	return shared.Invalid("file", "%s: %v", what, err)
}

// ParseParticipants reads a participant file: CSV in UTF-8 (a BOM is
// skipped), a header row naming some of the template's columns in any
// order (member_id required; names trimmed, case ignored), then one row
// per participant. Rows whose cells are all blank are skipped and cells
// are trimmed. A structural fault (malformed CSV, a row with another
// number of cells than the header, more than activity.MaxImportRows rows)
// fails the file naming its line; the rows' contents are the domain's to
// check.
func ParseParticipants(file []byte) ([]activity.ImportRow, error) {
	file = bytes.TrimPrefix(file, []byte("\ufeff"))
	if !utf8.Valid(file) {
		bad := 0
		for bad < len(file) {
			r, size := utf8.DecodeRune(file[bad:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		return nil, shared.Invalid("file", "line %d: the file is not UTF-8 text; save it as \"CSV UTF-8\"", bytes.Count(file[:bad], []byte("\n"))+1)
	}
	if i := bytes.IndexByte(file, 0); i >= 0 {
		return nil, shared.Invalid("file", "line %d: the file holds a NUL character; send CSV text", bytes.Count(file[:i], []byte("\n"))+1)
	}
	cr := csv.NewReader(bytes.NewReader(file))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, shared.Invalid("file", "the file is empty: give a header row (%s) and one row per participant", strings.Join(importColumns, ","))
	}
	if err != nil {
		return nil, csvError(err)
	}
	index, err := columns(header)
	if err != nil {
		return nil, err
	}
	var rows []activity.ImportRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rows) == activity.MaxImportRows {
			return nil, shared.Invalid("file", "line %d: the file holds more than %d participants; one import takes at most %d", line, activity.MaxImportRows, activity.MaxImportRows)
		}
		cell := func(name string) string {
			if i, ok := index[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rows = append(rows, activity.ImportRow{Line: line, MemberID: cell("member_id"), Profile: activity.Profile{
			Nickname: cell("member_nickname"), Icon: cell("member_icon"), RealName: cell("member_real_name"), Phone: cell("member_phone")}})
	}
}

// columns maps the header's column names to their positions.
func columns(header []string) (map[string]int, error) {
	index := make(map[string]int, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(importColumns, name) {
			return nil, shared.Invalid("file", "line 1: unknown column %q; a participant file has the columns %s (the template's), and names participants only: winners are drawn at random",
				h, strings.Join(importColumns, ", "))
		}
		if _, dup := index[name]; dup {
			return nil, shared.Invalid("file", "line 1: column %q is given twice", name)
		}
		index[name] = i
	}
	if _, ok := index["member_id"]; !ok {
		return nil, shared.Invalid("file", "line 1: the header has no member_id column; it is required")
	}
	return index, nil
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvError names the line of a malformed file.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return shared.Invalid("file", "line %d: the row does not have as many cells as the header", pe.StartLine)
		}
		return shared.Invalid("file", "line %d: malformed CSV: %v", pe.Line, pe.Err)
	}
	return shared.Invalid("file", "malformed CSV: %v", err)
}
