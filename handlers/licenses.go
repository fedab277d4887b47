package handlers

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/views/console"
	"koogallery/views/layouts"
	"koogallery/web"
)

// 在线开通License on a buyer's License service: apply for a device's License (the platform
// calls the seller's getLicenseAsync), watch the applications until the License is issued, copy
// a text License or download a License file.

// licenseRoutes registers the License routes under /console (methods of Services, which
// renders the service page they belong to).
func (h *Services) licenseRoutes(g *echo.Group) {
	g.GET("/services/:id/licenses", h.Licenses)
	g.POST("/services/:id/licenses", h.ApplyLicense)
	g.GET("/services/:id/licenses/:lid/file", h.LicenseFile)
}

// licenseFormKey carries a License form with errors from ApplyLicense to the page render.
const licenseFormKey = "license_form"

// licenseInput is what the buyer may set when applying.
type licenseInput struct {
	Fingerprint string `form:"fingerprint"`
	Confirm     string `form:"confirm"`
	SubmitKey   string `form:"submit_key"`
}

// withLicenses adds the License section to the page of a License service.
func (h *Services) withLicenses(c echo.Context, vm *console.ServiceVM) error {
	in := vm.Service
	if in.Product == nil || in.Product.Type != catalog.TypeLicense {
		return nil
	}
	items, err := h.store.BuyerLicenses(c.Request().Context(), web.UserID(c), in.ID)
	if err != nil {
		return err
	}
	form, _ := c.Get(licenseFormKey).(*console.LicenseForm)
	if form == nil {
		form = &console.LicenseForm{}
	}
	if form.SubmitKey == "" {
		form.SubmitKey = web.NewFormKey()
	}
	vm.Licenses = &console.LicensesVM{ServiceID: in.ID, Form: *form, Items: items,
		Applicable: in.Status == orders.InstanceNormal && in.SellerInstanceID != ""}
	return nil
}

// Licenses is the list of a service's applications: the fragment a pending list polls, or
// (without htmx) a page of its own.
func (h *Services) Licenses(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	in, err := h.store.BuyerService(ctx, web.UserID(c), id)
	if err != nil {
		return err
	}
	items, err := h.store.BuyerLicenses(ctx, web.UserID(c), in.ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if web.IsFragmentRequest(c.Request()) {
		return web.Render(c, http.StatusOK, console.LicenseList(in.ID, items), nil)
	}
	return web.Render(c, http.StatusOK, console.LicensesPage(in, items), layouts.Console(in.Product.Name))
}

// ApplyLicense applies for a License for one device; errors re-render the service page with
// the form kept and a message per field.
func (h *Services) ApplyLicense(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in licenseInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	uid := web.UserID(c)
	var created bool
	fe := sqldb.FieldErrors{}
	if in.Confirm == "" {
		// Another buyer's service stays a 404 whatever the form says.
		if _, err := h.store.BuyerService(ctx, uid, id); err != nil {
			return err
		}
		fe["confirm"] = "license.err.confirm"
		if _, msg := license.NormalizeFingerprint(in.Fingerprint); msg != "" {
			fe["fingerprint"] = msg
		}
	} else {
		_, created, err = h.store.ApplyLicense(ctx, uid, id, in.Fingerprint, in.SubmitKey)
		if e, ok := asFieldErrors(err); ok {
			fe, err = e, nil
		}
		if err != nil {
			return err
		}
	}
	if fe.Has() {
		form := console.LicenseForm{Fingerprint: clip(in.Fingerprint, 4096), Confirm: in.Confirm != "", Errors: translate(c, fe)}
		if fe["form"] == "" {
			form.SubmitKey = strings.TrimSpace(in.SubmitKey) // nothing was made with it
		}
		c.Set(licenseFormKey, &form)
		return h.render(c, http.StatusUnprocessableEntity, id, console.RenewForm{Count: "1", PayMethod: string(orders.PayCash)})
	}
	if created {
		web.Flash(c, web.FlashSuccess, "license.applied")
	} else {
		web.Flash(c, web.FlashInfo, "license.exists")
	}
	return web.SeeOther(c, "/console/services/"+strconv.FormatUint(uint64(id), 10)+"#licenses")
}

// LicenseFile downloads an issued License file, to the buyer who applied only.
func (h *Services) LicenseFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	lid, err := pathID(c, "lid")
	if err != nil {
		return err
	}
	a, err := h.store.BuyerLicenseFile(c.Request().Context(), web.UserID(c), id, lid)
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": safeFileName(a.FileName, a.EventID)}))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, echo.MIMEOctetStream, a.FileData)
}

// safeFileName keeps the last path element of a seller-given name with only letters, digits,
// '.', '-' and '_' (anything else becomes '_'), never starting with a dot, at most 100 bytes;
// an unusable name becomes license-<eventId>.lic.
func safeFileName(name, eventID string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), "._")
	if len(out) > 100 {
		out = out[len(out)-100:]
	}
	if strings.Trim(out, "._-") == "" {
		return "license-" + eventID + ".lic"
	}
	return out
}
