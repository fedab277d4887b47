// Package static embeds the site's assets: styles, images and the vendored htmx.
package static

import "embed"

// Files holds css/, img/, js/ and vendor/.
//
//go:embed css img js vendor
var Files embed.FS
