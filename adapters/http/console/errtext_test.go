package console

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/domain/shared"
)

// consoleSources are the packages whose errors console pages can show: the
// domain and app packages of every module the console calls, and the
// console itself.
var consoleSources = []string{
	"domain/shared", "domain/account", "domain/push", "domain/content", "domain/wxrelay", "domain/activity", "domain/console",
	"app/auth", "app/kit", "app/account", "app/push", "app/content", "app/wxrelay", "app/activity", "app/console",
	"adapters/http/console",
}

// sourceRule is one error a source file builds: its code when it has its
// own, and the format of its message.
type sourceRule struct {
	where  string
	code   string
	format string
}

// rulesIn lists the errors the non-test Go files of dir build with the
// shared constructors (NewError, Invalid, Forbidden, Conflict) or
// WithMessage, whose code or format is a string literal.
func rulesIn(t *testing.T, root, dir string) []sourceRule {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	lit := func(e ast.Expr) (string, bool) {
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	var out []sourceRule
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			name := sel.Sel.Name
			if x, ok := sel.X.(*ast.Ident); ok && x.Name != "shared" && name != "WithMessage" {
				return true
			}
			if _, ok := sel.X.(*ast.Ident); !ok && name != "WithMessage" {
				return true
			}
			where := fset.Position(call.Pos()).String()
			arg := func(i int) (string, bool) {
				if i >= len(call.Args) {
					return "", false
				}
				return lit(call.Args[i])
			}
			r := sourceRule{where: strings.TrimPrefix(where, root+string(filepath.Separator))}
			var ok1, ok2 bool
			switch name {
			case "NewError":
				r.code, ok1 = arg(1)
				r.format, ok2 = arg(2)
			case "Conflict":
				r.code, ok1 = arg(0)
				r.format, ok2 = arg(1)
			case "Invalid":
				r.format, ok2 = arg(1)
				ok1 = true
			case "Forbidden", "WithMessage":
				r.format, ok2 = arg(0)
				ok1 = true
			default:
				return true
			}
			if ok1 && ok2 {
				out = append(out, r)
			}
			return true
		})
	}
	return out
}

// translated reports whether a rule reads in Chinese: its format is in the
// rule table, or its code is in the code table, or it only passes on words
// made elsewhere ("%s", the console's own translated texts).
func translated(r sourceRule) bool {
	if strings.Trim(r.format, "%s: ") == "" {
		return true
	}
	if _, ok := zhRules[r.format]; ok {
		return true
	}
	_, ok := zhCodes[r.code]
	return ok && r.code != ""
}

// TestEveryDomainErrorReadsInChinese: every error the domain, app and
// console packages build reads in Chinese on a Chinese page, so a new rule
// cannot reach a Chinese page in English unnoticed.
func TestEveryDomainErrorReadsInChinese(t *testing.T) {
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found from %s: %v", root, err)
	}
	var missing []string
	n := 0
	for _, dir := range consoleSources {
		for _, r := range rulesIn(t, root, dir) {
			n++
			if !translated(r) {
				missing = append(missing, fmt.Sprintf("%s: code %q, format %q", r.where, r.code, r.format))
			}
		}
	}
	if n < 100 {
		t.Fatalf("found only %d errors in the sources; the scan is broken", n)
	}
	if len(missing) > 0 {
		t.Fatalf("%d errors have no Chinese in errtext.go (add the format to zhRules, or the code to zhCodes):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
}

// TestChineseRulesKeepTheirValues: a Chinese rule fills in the same kinds
// of values as the English one it words, so fmt never reports a bad verb.
func TestChineseRulesKeepTheirValues(t *testing.T) {
	for en, zh := range zhRules {
		args := sampleArgs(en)
		got := fill(zh, args)
		if strings.Contains(got, "%!") {
			t.Errorf("%q → %q fills in as %q", en, zh, got)
		}
		if !strings.ContainsFunc(got, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("%q → %q is not Chinese", en, zh)
		}
	}
	for code, zh := range zhCodes {
		if strings.Contains(zh, "%") {
			t.Errorf("code %s: %q takes no values (a code's message varies)", code, zh)
		}
	}
}

// sampleArgs makes one value per verb of an English format.
func sampleArgs(format string) []any {
	var args []any
	for i := 0; i < len(format)-1; i++ {
		if format[i] != '%' {
			continue
		}
		i++
		switch format[i] {
		case 'd':
			args = append(args, 7)
		case 's', 'q', 'v':
			args = append(args, "x")
		case '%':
		}
	}
	return args
}

func TestErrorMessagesOnChinesePages(t *testing.T) {
	zh, en := &view{Lang: "zh"}, &view{Lang: "en"}
	_, parseErr := httpkit.ParseID("id", "x")
	cases := []struct {
		name   string
		err    error
		zh, en string
	}{
		{"required, field in the message", shared.Invalid("name", "%s is required", "name"), "此项必填。", "name is required"},
		{"too long, with values", shared.Invalid("name", "%s is too long (%d characters, at most %d)", "name", 120, 100), "太长了：120 个字符，最多 100 个。", "name is too long (120 characters, at most 100)"},
		{"a coded error with its own message", shared.NewError(shared.KindNotFound, "activity.meeting_not_found", "meeting not found").WithMessage("meeting %d not found", 9), "会议 9 不存在。", "meeting 9 not found"},
		{"a path id", parseErr, "id 必须是正整数，收到的是 \"x\"。", parseErr.Error()[len("id: "):]},
		{"a body too large", httpkit.ErrBodyTooLarge, "提交的内容太大了。", "request body is too large"},
		{"not a domain error", errors.New("disk on fire"), "服务器内部错误（请求编号 ）", "Internal error (request )"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := zh.message(tc.err); !strings.HasPrefix(got, tc.zh) {
				t.Errorf("zh: %q, want %q", got, tc.zh)
			}
			if got := en.message(tc.err); !strings.HasPrefix(got, tc.en) {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
		})
	}
	if !slices.Contains(consoleSources, "adapters/http/console") {
		t.Fatal("the console's own errors are not checked")
	}
}
