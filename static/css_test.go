package static

import (
	"strings"
	"testing"
)

// The style sheet is hand-written and merged by hand: a rule opened inside another (a lost
// closing brace) silently drops every rule after it, so the pages look unstyled while every
// other test passes. Only at-rules (@media, @supports, @keyframes) may hold rules.
func TestStyleSheetIsWellFormed(t *testing.T) {
	b, err := Files.ReadFile("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	type open struct {
		line   int
		atRule bool
	}
	var stack []open
	inComment := false
	for n, line := range strings.Split(string(b), "\n") {
		for i := 0; i < len(line); i++ {
			switch {
			case inComment:
				if strings.HasPrefix(line[i:], "*/") {
					inComment, i = false, i+1
				}
			case strings.HasPrefix(line[i:], "/*"):
				inComment, i = true, i+1
			case line[i] == '{':
				head := strings.TrimSpace(line[:i])
				if len(stack) > 0 && !stack[len(stack)-1].atRule {
					t.Fatalf("line %d opens a rule inside the rule of line %d (a closing brace is missing)", n+1, stack[len(stack)-1].line)
				}
				stack = append(stack, open{line: n + 1, atRule: strings.HasPrefix(head, "@")})
			case line[i] == '}':
				if len(stack) == 0 {
					t.Fatalf("line %d closes a rule that is not open", n+1)
				}
				stack = stack[:len(stack)-1]
			}
		}
	}
	if len(stack) > 0 {
		t.Fatalf("the rule of line %d is never closed", stack[len(stack)-1].line)
	}
}
