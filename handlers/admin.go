package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/views/admin"
	"koogallery/views/layouts"
	"koogallery/web"
)

// AdminHome serves the operations console's home.
type AdminHome struct{ store *models.Store }

// Routes registers /admin.
func (h *AdminHome) Routes(g *echo.Group) {
	g.GET("", h.Home)
}

// Home shows the marketplace in numbers.
func (h *AdminHome) Home(c echo.Context) error {
	sum, err := h.store.PlatformSummary(c.Request().Context())
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, admin.Home(sum), layouts.Admin(web.T(c, "nav.admin")))
}
