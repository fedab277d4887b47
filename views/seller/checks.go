package seller

import (
	"context"

	"koogallery/protocol"
	"koogallery/sellerkit"
	"koogallery/views"
)

// CheckMessage says in the user's language what a check found.
func CheckMessage(ctx context.Context, c sellerkit.Check) string {
	if c.Skipped {
		return views.T(ctx, "check."+c.ID+".skipped")
	}
	switch {
	case c.ID == "reachable" && !c.OK:
		return views.T(ctx, "check.reachable.fail."+arg(c, 0))
	case c.ID == "field":
		return views.T(ctx, "check.field.fail", arg(c, 0), views.T(ctx, "problem."+arg(c, 1)), arg(c, 2))
	case c.ID == "result_code" || c.ID == "success" || c.ID == "signature_accepted" || c.ID == "signature_checked":
		return views.T(ctx, "check."+c.ID+state(c), arg(c, 0), ResultMeaning(ctx, arg(c, 0)))
	}
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		args[i] = a
	}
	return views.T(ctx, "check."+c.ID+state(c), args...)
}

// FixMessage says how to fix a failed check ("" for a passed one).
func FixMessage(ctx context.Context, c sellerkit.Check) string {
	if c.OK {
		return ""
	}
	if c.ID == "reachable" {
		return views.T(ctx, "check.reachable.fix."+arg(c, 0))
	}
	return views.T(ctx, "check."+c.ID+".fix")
}

// ResultMeaning explains a resultCode in the user's language.
func ResultMeaning(ctx context.Context, code string) string {
	lang := "zh"
	if views.PageOf(ctx).Locale == "en" {
		lang = "en"
	}
	if m, ok := protocol.ResultMeaning(code, lang); ok {
		return m
	}
	return views.T(ctx, "check.unknown_code")
}

func state(c sellerkit.Check) string {
	if c.OK {
		return ".ok"
	}
	return ".fail"
}

func arg(c sellerkit.Check, i int) string {
	if i < len(c.Args) {
		return c.Args[i]
	}
	return ""
}
