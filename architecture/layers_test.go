package architecture

import (
	"os/exec"
	"sort"
	"strings"
	"testing"
)

// layers is the plan, bottom up: a package may import packages of lower layers only, and,
// within a layer marked shared, its siblings (view packages reuse each other's components).
// Every package of the module must be listed; a new one is placed here on purpose.
var layers = []struct {
	name     string
	packages []string
	shared   bool
}{
	{"leaves: import nothing of ours", []string{"protocol", "secrets", "money", "chinatime", "ttlcache", "worker", "i18n", "static", "cloud", "config", "paths", "architecture"}, false},
	{"the reference seller, over the protocol", []string{"refseller"}, false},
	{"plumbing", []string{"models/sqldb"}, false},
	{"schema and notices", []string{"models/schema", "models/notice"}, false},
	{"accounts", []string{"models/account"}, false},
	{"files and seller tools", []string{"models/attachment", "models/sellertools"}, false},
	{"onboarding and catalog", []string{"models/onboarding", "models/catalog"}, false},
	{"orders", []string{"models/orders"}, false},
	{"the call outbox", []string{"models/outbox"}, false},
	{"licenses and deployments", []string{"models/license", "models/deployment"}, false},
	{"supervision", []string{"models/supervision"}, false},
	{"refunds", []string{"models/refund"}, false},
	{"settlement", []string{"models/settlement"}, false},
	{"test databases", []string{"models/dbtest"}, false},
	{"orchestration: what one business action does across domains", []string{"models"}, false},
	{"test stores", []string{"models/storetest"}, false},
	{"services over the domains", []string{"sellerkit", "mailer", "deploy"}, false},
	{"services over services", []string{"publishing", "dispatch", "sandbox"}, false},
	{"views", []string{"views", "views/*"}, true},
	{"web plumbing", []string{"web"}, false},
	{"handlers", []string{"handlers", "handlers/*"}, true},
	{"assembly", []string{"app"}, false},
	{"binaries and whole-app tests", []string{"cmd/*", "apptest", "e2e"}, true},
}

// layerOf is the index of the layer a package (path relative to the module) is in, or -1.
func layerOf(pkg string) int {
	for i, l := range layers {
		for _, p := range l.packages {
			if p == pkg || (strings.HasSuffix(p, "/*") && strings.HasPrefix(pkg, strings.TrimSuffix(p, "*"))) {
				return i
			}
		}
	}
	return -1
}

func TestImportsFollowTheLayers(t *testing.T) {
	// The code's imports; tests may reach across (the schema test compares every domain's
	// structs with the migrated database).
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "koogallery/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var problems []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], "koogallery/")
		if pkg == "koogallery" {
			continue
		}
		from := layerOf(pkg)
		if from < 0 {
			problems = append(problems, pkg+" is in no layer: place it in architecture/layers_test.go")
			continue
		}
		seen := map[string]bool{}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, "koogallery/") || seen[imp] {
				continue
			}
			seen[imp] = true
			dep := strings.TrimPrefix(imp, "koogallery/")
			to := layerOf(dep)
			switch {
			case to < 0:
				problems = append(problems, pkg+" imports "+dep+", which is in no layer")
			case to > from, to == from && !layers[from].shared:
				problems = append(problems, pkg+" ("+layers[from].name+") imports "+dep+" ("+layers[to].name+")")
			}
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
