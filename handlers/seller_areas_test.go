package handlers

import (
	"testing"

	"koogallery/views/layouts"
	"koogallery/web"
)

// Every seller-center navigation item is shown to exactly the members its page lets in: the
// item's role is the role the route table gives its page.
func TestSellerNavMatchesAreas(t *testing.T) {
	for _, g := range layouts.SellerNav {
		for _, it := range g.Items {
			if got, want := it.Role, web.SellerAreaRole(SellerAreas, it.Href); got != want {
				t.Errorf("nav item %s (%s) has role %q, its page needs %q", it.Key, it.Href, got, want)
			}
		}
	}
}
