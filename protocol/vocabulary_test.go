package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// vocabularyExceptions are literals outside protocol that spell a protocol word but mean
// something else, by file (slash-separated, from the module root).
var vocabularyExceptions = map[string]map[string]string{
	// The order type 试用转正 of the marketplace's orders and of the open API's orderType: a
	// vocabulary of its own that shares one spelling with the refreshInstance scene.
	"models/orders/order.go":   {"TRIAL_TO_FORMAL": "order type"},
	"handlers/openapi_mock.go": {"TRIAL_TO_FORMAL": "open API orderType"},
}

// vocabulary is every activity name, refreshInstance scene and updateInstanceStatus state.
func vocabulary() []string {
	var out []string
	for _, a := range Activities() {
		out = append(out, string(a))
	}
	for _, s := range Scenes() {
		out = append(out, string(s))
	}
	for _, s := range InstanceStatuses() {
		out = append(out, string(s))
	}
	return out
}

// spells reports which protocol word a literal's value copies: the whole value, or a JSON
// string inside it (a hand-built body such as {"activity":"newInstance"}).
func spells(value string, words []string) string {
	for _, w := range words {
		if value == w || strings.Contains(value, `"`+w+`"`) {
			return w
		}
	}
	return ""
}

// templLiteral finds the string literals of a templ file: Go strings in its expressions and
// code, and quoted HTML attribute values.
var templLiteral = regexp.MustCompile("\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`]*`")

// TestVocabularyStaysInProtocol fails when a non-test Go or templ file outside protocol spells
// an activity name, a scene or a status in a string literal instead of using protocol's
// constants, so that the marketplace's words have one home.
func TestVocabularyStaysInProtocol(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found above protocol: %v", err)
	}
	words := vocabulary()
	var found []string
	excused := map[string]bool{}
	report := func(rel string, line int, value, word string) {
		if _, ok := vocabularyExceptions[rel][word]; ok && value == word {
			excused[rel+" "+word] = true
			return
		}
		found = append(found, rel+":"+strconv.Itoa(line)+": "+strconv.Quote(value)+" spells "+word)
	}
	scanned := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "protocol" || rel == "node_modules" || rel == "static" || rel == "vendor" || rel == "data" ||
				(rel != "." && strings.HasPrefix(d.Name(), ".")) || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		switch {
		case strings.HasSuffix(name, "_test.go"), strings.HasSuffix(name, "_templ.go"):
			// Tests may spell the words; generated templ code is scanned as its .templ source.
		case strings.HasSuffix(name, ".go"):
			scanned++
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				value, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				if w := spells(value, words); w != "" {
					report(rel, fset.Position(lit.Pos()).Line, value, w)
				}
				return true
			})
		case strings.HasSuffix(name, ".templ"):
			scanned++
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, loc := range templLiteral.FindAllIndex(src, -1) {
				value := string(src[loc[0]+1 : loc[1]-1])
				if w := spells(value, words); w != "" {
					report(rel, 1+strings.Count(string(src[:loc[0]]), "\n"), value, w)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 100 {
		t.Fatalf("only %d files scanned under %s: is the walk looking in the right place?", scanned, root)
	}
	for rel, words := range vocabularyExceptions {
		for w := range words {
			if !excused[rel+" "+w] {
				found = append(found, rel+": the exception for "+strconv.Quote(w)+" is no longer needed")
			}
		}
	}
	sort.Strings(found)
	for _, f := range found {
		t.Errorf("%s (use protocol's constants: protocol.Activity…, protocol.Scene…, protocol.Status…)", f)
	}
}
