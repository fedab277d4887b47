package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/cloud"
	"koogallery/deploy"
	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/views/console"
	deployviews "koogallery/views/deploy"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Deploy is 启动部署: one-click deployment of a License service onto one of the buyer's
// cloud servers, through the delegation the buyer grants the marketplace. The ECS password
// goes from the form to the cloud provider only: it is never stored, logged or rendered.
type Deploy struct {
	store  *models.Store
	runner *deploy.Runner
}

// Routes registers the deploy routes under /console.
func (h *Deploy) Routes(g *echo.Group) {
	g.GET("/services/:id/deploy", h.Show)
	g.GET("/services/:id/deploy/resources", h.Resources)
	g.POST("/services/:id/deploy/review", h.Review)
	g.POST("/services/:id/deploy", h.Create)
	g.POST("/services/:id/deploy/delegation", h.Grant)
	g.POST("/services/:id/deploy/delegation/revoke", h.Revoke)
	g.GET("/services/:id/deployments/:did", h.Deployment)
	g.GET("/services/:id/deployments/:did/progress", h.Progress)
	g.POST("/services/:id/deployments/:did/retry", h.Retry)
}

// deployInput is what the buyer may set in the deploy form.
type deployInput struct {
	Region    string `form:"region" query:"region"`
	EcsID     string `form:"ecs_id" query:"ecs_id"`
	VpcID     string `form:"vpc_id" query:"vpc_id"`
	SubnetID  string `form:"subnet_id" query:"subnet_id"`
	SGMode    string `form:"sg_mode" query:"sg_mode"`
	SGID      string `form:"sg_id" query:"sg_id"`
	SGName    string `form:"sg_name" query:"sg_name"`
	Password  string `form:"password" query:"-"`
	Confirm   string `form:"confirm" query:"-"`
	SubmitKey string `form:"submit_key" query:"-"`
}

func (in deployInput) choice() deploy.Choice {
	return deploy.Choice{Region: clip(in.Region, 40), EcsID: clip(in.EcsID, 64), VpcID: clip(in.VpcID, 64), SubnetID: clip(in.SubnetID, 64),
		SGMode: clip(in.SGMode, 16), SGID: clip(in.SGID, 64), SGName: clip(in.SGName, 100), Password: in.Password, Confirm: in.Confirm}
}

// deployable is the buyer's service when its product can be deployed (a deployable License
// product, in use); anything else, and anyone else's service, is ErrNotFound.
func (h *Deploy) deployable(c echo.Context) (*orders.Instance, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	in, err := h.store.BuyerService(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return nil, err
	}
	if !canDeploy(in) {
		return nil, sqldb.ErrNotFound
	}
	return in, nil
}

func canDeploy(in *orders.Instance) bool {
	return in.Product != nil && in.Product.Type == catalog.TypeLicense && in.Product.Deployable && in.Status == orders.InstanceNormal
}

func profileOf(in *orders.Instance) deploy.Profile {
	return deploy.ProfileFor(in.Product)
}

// delegated reports whether the buyer's delegation is in force.
func (h *Deploy) delegated(c echo.Context) (*deployment.DeployDelegation, error) {
	return h.store.BuyerDelegation(c.Request().Context(), web.UserID(c))
}

// Show is the deploy page, or the delegation dialog when the buyer has not (or no longer)
// delegated.
func (h *Deploy) Show(c echo.Context) error {
	in, err := h.deployable(c)
	if err != nil {
		return err
	}
	del, err := h.delegated(c)
	if err != nil {
		return err
	}
	if !del.Active() {
		vm := deployviews.ConsentVM{ServiceID: in.ID, ProductName: in.Product.Name, Revoked: del != nil}
		return web.Render(c, http.StatusOK, deployviews.Consent(vm), layouts.Console(web.T(c, "deploy.title")))
	}
	vm, _, err := h.form(c, in, del, deploy.Choice{}, nil)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, deployviews.Page(vm), layouts.Console(web.T(c, "deploy.title")))
}

// form lists the resources for the choice and builds the page's view model.
func (h *Deploy) form(c echo.Context, in *orders.Instance, del *deployment.DeployDelegation, ch deploy.Choice, errs map[string]string) (deployviews.FormVM, deploy.Options, error) {
	ctx := c.Request().Context()
	p := profileOf(in)
	o, err := h.runner.Options(ctx, web.UserID(c), p, &ch)
	if err != nil {
		return deployviews.FormVM{}, o, err
	}
	vm := deployviews.FormVM{ServiceID: in.ID, ProductName: in.Product.Name, Package: p.Package, Delegation: del,
		Regions: o.Regions, Subnets: o.Subnets, Groups: o.Groups, Errors: errs,
		Recommended: cloud.SecurityGroup{Name: p.GroupName, Rules: p.Rules},
		Choice:      deployviews.Choice{Region: ch.Region, EcsID: ch.EcsID, VpcID: ch.VpcID, SubnetID: ch.SubnetID, SGMode: ch.SGMode, SGID: ch.SGID, SGName: ch.SGName},
		SubmitKey:   web.NewFormKey()}
	for _, i := range o.Instances {
		vm.Instances = append(vm.Instances, deployviews.InstanceRow{Instance: i.Instance, Eligible: i.Eligible, Reason: i.Reason})
	}
	for _, v := range o.VPCs {
		vm.VPCs = append(vm.VPCs, deployviews.VPCRow{VPC: v.VPC, Eligible: v.Eligible})
	}
	list, err := h.store.ServiceDeployments(ctx, web.UserID(c), in.ID)
	if err != nil {
		return vm, o, err
	}
	for i := range list {
		if list[i].Active() {
			vm.Busy = &list[i]
			break
		}
	}
	return vm, o, nil
}

// Resources re-renders the resource pickers for the choices so far (htmx; no password).
func (h *Deploy) Resources(c echo.Context) error {
	in, err := h.deployable(c)
	if err != nil {
		return err
	}
	del, err := h.delegated(c)
	if err != nil {
		return err
	}
	if !del.Active() {
		return sqldb.ErrNotFound
	}
	var input deployInput
	if err := c.Bind(&input); err != nil {
		return echo.ErrBadRequest
	}
	ch := input.choice()
	ch.Password, ch.Confirm = "", ""
	vm, _, err := h.form(c, in, del, ch, nil)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, deployviews.Resources(vm), nil)
}

// check binds and validates the whole form.
func (h *Deploy) check(c echo.Context, in *orders.Instance, del *deployment.DeployDelegation) (*deployment.Deployment, deployInput, deployviews.FormVM, deploy.Options, map[string]string, error) {
	var input deployInput
	if err := c.Bind(&input); err != nil {
		return nil, input, deployviews.FormVM{}, deploy.Options{}, nil, echo.ErrBadRequest
	}
	ch := input.choice()
	vm, o, err := h.form(c, in, del, ch, nil)
	if err != nil {
		return nil, input, vm, o, nil, err
	}
	// Options may have filled defaults (region, the instance's VPC and subnet).
	ch.Region, ch.VpcID, ch.SubnetID = vm.Choice.Region, vm.Choice.VpcID, vm.Choice.SubnetID
	d, fe := deploy.Check(o, ch)
	if fe.Has() {
		errs := translate(c, fe)
		vm.Errors = errs
		return nil, input, vm, o, errs, nil
	}
	return d, input, vm, o, nil, nil
}

// Review shows the summary of a complete, valid form (htmx), or what to fix.
func (h *Deploy) Review(c echo.Context) error {
	in, err := h.deployable(c)
	if err != nil {
		return err
	}
	del, err := h.delegated(c)
	if err != nil {
		return err
	}
	if !del.Active() {
		return web.SeeOther(c, "/console/services/"+strconv.FormatUint(uint64(in.ID), 10)+"/deploy")
	}
	d, _, vm, o, errs, err := h.check(c, in, del)
	if err != nil {
		return err
	}
	if errs != nil {
		return web.Render(c, http.StatusOK, deployviews.SummaryErrors(errs), nil)
	}
	sum := deployviews.SummaryVM{FormVM: vm, VPCName: d.VpcName, SubnetName: d.SubnetName, GroupName: d.SGName, Rules: o.Profile.Rules}
	if o.Instance != nil {
		sum.Instance = deployviews.InstanceRow{Instance: *o.Instance, Eligible: true}
	}
	for _, s := range o.Subnets {
		if s.ID == d.SubnetID {
			sum.SubnetCIDR = s.CIDR
		}
	}
	return web.Render(c, http.StatusOK, deployviews.Summary(sum), nil)
}

// Create records the deployment, hands the password to the cloud and shows the progress.
func (h *Deploy) Create(c echo.Context) error {
	in, err := h.deployable(c)
	if err != nil {
		return err
	}
	base := "/console/services/" + strconv.FormatUint(uint64(in.ID), 10)
	del, err := h.delegated(c)
	if err != nil {
		return err
	}
	if !del.Active() {
		return web.SeeOther(c, base+"/deploy")
	}
	d, input, vm, _, errs, err := h.check(c, in, del)
	if err != nil {
		return err
	}
	layout := layouts.Console(web.T(c, "deploy.title"))
	if errs != nil {
		vm.Errors["form"] = web.T(c, "deploy.fix")
		return web.Render(c, http.StatusUnprocessableEntity, deployviews.Page(vm), layout)
	}
	d.BuyerID, d.ServiceID, d.ProductID = web.UserID(c), in.ID, in.ProductID
	if k := clip(input.SubmitKey, 64); k != "" {
		d.SubmitKey = &k
	}
	err = h.store.CreateDeployment(c.Request().Context(), d)
	switch {
	case errors.Is(err, sellertools.ErrDuplicate): // the same form again (a double click): its deployment
		return web.SeeOther(c, base+"/deployments/"+strconv.FormatUint(uint64(d.ID), 10))
	case errors.Is(err, deployment.ErrDeployBusy):
		vm.Errors = map[string]string{"form": web.T(c, "deploy.err.busy")}
		vm, _, ferr := h.form(c, in, del, deploy.Choice{Region: vm.Choice.Region, EcsID: vm.Choice.EcsID}, vm.Errors)
		if ferr != nil {
			return ferr
		}
		return web.Render(c, http.StatusConflict, deployviews.Page(vm), layout)
	case err != nil:
		return err
	}
	err = h.runner.Start(c.Request().Context(), d, input.Password)
	input.Password, input.Confirm = "", ""
	var se *deploy.StartError
	if errors.As(err, &se) {
		web.Flash(c, web.FlashError, se.Key)
	} else if err != nil {
		return err
	}
	return web.SeeOther(c, base+"/deployments/"+strconv.FormatUint(uint64(d.ID), 10))
}

// Grant records the buyer's delegation (audited as createAgencies).
func (h *Deploy) Grant(c echo.Context) error {
	in, err := h.deployable(c)
	if err != nil {
		return err
	}
	if err := h.store.GrantDelegation(c.Request().Context(), web.UserID(c)); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "deploy.delegation.done")
	return web.SeeOther(c, "/console/services/"+strconv.FormatUint(uint64(in.ID), 10)+"/deploy")
}

// Revoke withdraws the delegation (audited as deleteAgencies).
func (h *Deploy) Revoke(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, err := h.store.BuyerService(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return err
	}
	if err := h.store.RevokeDelegation(c.Request().Context(), web.UserID(c)); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "deploy.delegation.revoked")
	return web.SeeOther(c, "/console/services/"+strconv.FormatUint(uint64(in.ID), 10))
}

// deploymentVM loads one of the buyer's deployments of the service.
func (h *Deploy) deploymentVM(c echo.Context) (deployviews.DeploymentVM, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return deployviews.DeploymentVM{}, err
	}
	did, err := pathID(c, "did")
	if err != nil {
		return deployviews.DeploymentVM{}, err
	}
	ctx := c.Request().Context()
	in, err := h.store.BuyerService(ctx, web.UserID(c), id)
	if err != nil {
		return deployviews.DeploymentVM{}, err
	}
	d, ev, err := h.store.BuyerDeployment(ctx, web.UserID(c), in.ID, did)
	if err != nil {
		return deployviews.DeploymentVM{}, err
	}
	return deployviews.DeploymentVM{ServiceID: in.ID, ProductName: in.Product.Name, Deployment: *d, Events: ev}, nil
}

// Deployment is one deployment's page with its live progress.
func (h *Deploy) Deployment(c echo.Context) error {
	vm, err := h.deploymentVM(c)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, deployviews.Deployment(vm), layouts.Console(web.T(c, "deploy.title")))
}

// Progress is the steps fragment the page polls while the deployment runs.
func (h *Deploy) Progress(c echo.Context) error {
	vm, err := h.deploymentVM(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return web.Render(c, http.StatusOK, deployviews.ProgressUpdate(vm), nil)
}

// Retry runs a failed deployment again from its failed step.
func (h *Deploy) Retry(c echo.Context) error {
	vm, err := h.deploymentVM(c)
	if err != nil {
		return err
	}
	base := "/console/services/" + strconv.FormatUint(uint64(vm.ServiceID), 10)
	del, err := h.delegated(c)
	if err != nil {
		return err
	}
	if !del.Active() {
		web.Flash(c, web.FlashError, "deploy.err.delegation")
		return web.SeeOther(c, base+"/deploy")
	}
	err = h.store.RetryDeployment(c.Request().Context(), web.UserID(c), vm.ServiceID, vm.Deployment.ID)
	switch {
	case errors.Is(err, deployment.ErrDeployBusy):
		web.Flash(c, web.FlashError, "deploy.err.busy")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "deploy.retried")
	}
	return web.SeeOther(c, base+"/deployments/"+strconv.FormatUint(uint64(vm.Deployment.ID), 10))
}

// withDeploy adds the deployments panel to the page of a deployable License service.
func (h *Services) withDeploy(c echo.Context, vm *console.ServiceVM) error {
	in := vm.Service
	if in.Product == nil || in.Product.Type != catalog.TypeLicense || !in.Product.Deployable {
		return nil
	}
	ctx := c.Request().Context()
	list, err := h.store.ServiceDeployments(ctx, web.UserID(c), in.ID)
	if err != nil {
		return err
	}
	del, err := h.store.BuyerDelegation(ctx, web.UserID(c))
	if err != nil {
		return err
	}
	vm.Deploy = deployviews.Panel(deployviews.PanelVM{ServiceID: in.ID, Delegation: del, Deployments: list, Deployable: canDeploy(in)})
	return nil
}
