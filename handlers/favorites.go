package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/views/console"
	"koogallery/views/layouts"
	"koogallery/views/public"
	"koogallery/web"
)

// Favorites serves 我的收藏 and the add/remove buttons.
type Favorites struct{ store *models.Store }

// Routes registers the favorites pages under /console.
func (h *Favorites) Routes(g *echo.Group) {
	g.GET("/favorites", h.List)
	g.POST("/favorites", h.Add)
	g.POST("/favorites/:id/delete", h.Remove)
}

// List shows the buyer's favorites.
func (h *Favorites) List(c echo.Context) error {
	page, err := h.store.Favorites(c.Request().Context(), web.UserID(c), pageParam(c))
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, console.Favorites(page), layouts.Console(web.T(c, "nav.console.favorites")))
}

// Add keeps a product; an htmx request gets the toggled button back.
func (h *Favorites) Add(c echo.Context) error {
	id, err := formID(c, "product_id")
	if err != nil {
		return err
	}
	if err := h.store.AddFavorite(c.Request().Context(), web.UserID(c), id); err != nil {
		return err
	}
	return h.done(c, id, true, "favorites.added_msg")
}

// Remove drops a product from the favorites.
func (h *Favorites) Remove(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.RemoveFavorite(c.Request().Context(), web.UserID(c), id); err != nil {
		return err
	}
	return h.done(c, id, false, "favorites.removed_msg")
}

func (h *Favorites) done(c echo.Context, productID uint, favorite bool, msg string) error {
	if web.IsFragmentRequest(c.Request()) {
		return web.Render(c, http.StatusOK, public.FavoriteButton(productID, favorite), nil)
	}
	web.Flash(c, web.FlashSuccess, msg)
	if c.QueryParam("back") == "list" {
		return web.SeeOther(c, "/console/favorites")
	}
	return web.SeeOther(c, "/products/"+strconv.FormatUint(uint64(productID), 10))
}
