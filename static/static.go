// Package static embeds the site's assets: styles, images and the vendored htmx.
package static

import "embed"

// Files holds css/, img/ and vendor/.
//
//go:embed css img vendor
var Files embed.FS
