package e2e

import (
	"strings"
	"testing"
)

// The seller's publishing pages and operations' review queue read wholly in English once the
// language is switched: no Chinese in their chrome, no raw message keys.
func TestBrowserPublishingInEnglish(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)
	chrome := []string{tid("sidenav"), tid("page-title"), ".crumbs", "thead", "h2", "label", "legend", ".help", ".notice", "button", ".chips", ".badge"}
	b.login("seller@demo.test")
	b.open("/seller/products?lang=en")
	for _, path := range []string{"/seller/products", "/seller/products/new", "/seller/notify", "/seller/debug/cases"} {
		b.open(path)
		if bad := b.untranslated(chrome...); len(bad) > 0 {
			t.Errorf("untranslated on English %s: %q", path, bad)
		}
		b.shot("en" + strings.ReplaceAll(path, "/", "-"))
	}
}
