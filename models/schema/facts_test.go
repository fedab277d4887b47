package schema_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"koogallery/models/schema"
	"koogallery/models/sqldb"
)

// A schema is what a database says of its tables, flattened to one line per fact: the key
// names the thing ("orders column spec_id", "orders index idx_orders_seller"), the value
// says what it is ("bigint unsigned NULL DEFAULT NULL", "UNIQUE (seller_id, url)").
type schemaFacts map[string]string

// compare lists every fact that differs: "- key: value" for a, "+ key: value" for b.
func compare(a, b schemaFacts) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(a)) {
		switch bv, ok := b[k]; {
		case !ok:
			out = append(out, fmt.Sprintf("  - %s: %s\n  + %s: (none)", k, a[k], k))
		case bv != a[k]:
			out = append(out, fmt.Sprintf("  - %s: %s\n  + %s: %s", k, a[k], k, bv))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("  - %s: (none)\n  + %s: %s", k, k, b[k]))
		}
	}
	return strings.Join(out, "\n")
}

// snapshot reads the schema of db, leaving out goose's version table.
func snapshot(t *testing.T, db *sqldb.DB) schemaFacts {
	t.Helper()
	var (
		f   schemaFacts
		err error
	)
	if db.Dialect() == sqldb.MySQL {
		f, err = mysqlFacts(db.Gorm())
	} else {
		f, err = sqliteFacts(db.Gorm())
	}
	if err != nil {
		t.Fatalf("read the schema: %v", err)
	}
	for k := range f {
		if strings.HasPrefix(k, schema.VersionTable+" ") {
			delete(f, k)
		}
	}
	return f
}

func mysqlFacts(g *gorm.DB) (schemaFacts, error) {
	f := schemaFacts{}
	rows, err := g.Raw(`SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE()`).Rows()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, engine, collation string
		if err := rows.Scan(&table, &engine, &collation); err != nil {
			return nil, err
		}
		f[table+" table"] = "ENGINE=" + engine + " COLLATE=" + collation
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	rows, err = g.Raw(`SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
		COALESCE(COLLATION_NAME, '') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`).Rows()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, column, typ, nullable, extra, collation string
		var def sql.NullString
		if err := rows.Scan(&table, &column, &typ, &nullable, &def, &extra, &collation); err != nil {
			return nil, err
		}
		v := typ
		if nullable == "NO" {
			v += " NOT NULL"
		} else {
			v += " NULL"
		}
		if def.Valid {
			v += " DEFAULT " + def.String
		}
		if extra != "" {
			v += " " + strings.ToUpper(extra)
		}
		if collation != "" {
			v += " COLLATE " + collation
		}
		f[table+" column "+column] = v
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	type idx struct {
		unique bool
		cols   []string
	}
	indexes := map[[2]string]*idx{}
	rows, err = g.Raw(`SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS
		WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`).Rows()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, name, column string
		var nonUnique int
		if err := rows.Scan(&table, &name, &nonUnique, &column); err != nil {
			return nil, err
		}
		k := [2]string{table, name}
		if indexes[k] == nil {
			indexes[k] = &idx{unique: nonUnique == 0}
		}
		indexes[k].cols = append(indexes[k].cols, column)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for k, ix := range indexes {
		cols := "(" + strings.Join(ix.cols, ", ") + ")"
		switch {
		case k[1] == "PRIMARY":
			f[k[0]+" primary key"] = cols
		case ix.unique:
			f[k[0]+" index "+k[1]] = "UNIQUE " + cols
		default:
			f[k[0]+" index "+k[1]] = "INDEX " + cols
		}
	}

	type fk struct{ from, to []string }
	fks := map[[2]string]*fk{}
	rules := map[[2]string]string{}
	rows, err = g.Raw(`SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
		k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
		FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
		ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
		WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
		ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`).Rows()
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var table, name, column, refTable, refColumn, onUpdate, onDelete string
		if err := rows.Scan(&table, &name, &column, &refTable, &refColumn, &onUpdate, &onDelete); err != nil {
			return nil, err
		}
		k := [2]string{table, name}
		if fks[k] == nil {
			fks[k] = &fk{}
			rules[k] = refTable + " ON UPDATE " + onUpdate + " ON DELETE " + onDelete
		}
		fks[k].from = append(fks[k].from, column)
		fks[k].to = append(fks[k].to, refColumn)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	for k, x := range fks {
		ref, rule, _ := strings.Cut(rules[k], " ")
		f[k[0]+" foreign key "+k[1]] = fmt.Sprintf("(%s) REFERENCES %s (%s) %s",
			strings.Join(x.from, ", "), ref, strings.Join(x.to, ", "), rule)
	}
	return f, nil
}

// sqliteQuoted is a default written as a quoted string: GORM writes "x", the migrations the
// standard 'x'; both are the text x to SQLite.
var sqliteQuoted = regexp.MustCompile(`^(?:"(.*)"|'(.*)')$`)

func sqliteFacts(g *gorm.DB) (schemaFacts, error) {
	f := schemaFacts{}
	type table struct{ Name, SQL string }
	var tables []table
	if err := g.Raw("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&tables).Error; err != nil {
		return nil, err
	}
	for _, tb := range tables {
		if regexp.MustCompile(`(?i)\bAUTOINCREMENT\b`).MatchString(tb.SQL) {
			f[tb.Name+" table"] = "AUTOINCREMENT"
		} else {
			f[tb.Name+" table"] = ""
		}

		type column struct {
			Name    string
			Type    string
			NotNull int
			Dflt    sql.NullString `gorm:"column:dflt_value"`
			PK      int
		}
		var cols []column
		if err := g.Raw("SELECT name, type, \"notnull\" AS not_null, dflt_value, pk FROM pragma_table_info(?)", tb.Name).Scan(&cols).Error; err != nil {
			return nil, err
		}
		var pk []string
		slices.SortFunc(cols, func(a, b column) int { return a.PK - b.PK })
		for _, c := range cols {
			v := strings.ToLower(c.Type)
			if c.NotNull == 1 {
				v += " NOT NULL"
			} else {
				v += " NULL"
			}
			if c.Dflt.Valid {
				d := c.Dflt.String
				if m := sqliteQuoted.FindStringSubmatch(d); m != nil {
					d = "'" + m[1] + m[2] + "'"
				} else {
					d = strings.ToLower(d)
				}
				v += " DEFAULT " + d
			}
			f[tb.Name+" column "+c.Name] = v
			if c.PK > 0 {
				pk = append(pk, c.Name)
			}
		}
		if len(pk) > 0 {
			f[tb.Name+" primary key"] = "(" + strings.Join(pk, ", ") + ")"
		}

		type index struct {
			Name   string
			Unique int
			Origin string
		}
		var indexes []index
		if err := g.Raw("SELECT name, \"unique\" AS `unique`, origin FROM pragma_index_list(?)", tb.Name).Scan(&indexes).Error; err != nil {
			return nil, err
		}
		for _, ix := range indexes {
			var names []string
			if err := g.Raw("SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix.Name).Scan(&names).Error; err != nil {
				return nil, err
			}
			kind := "INDEX"
			if ix.Unique == 1 {
				kind = "UNIQUE"
			}
			f[tb.Name+" index "+ix.Name] = kind + " (" + strings.Join(names, ", ") + ")"
		}

		type fk struct {
			ID       int
			Table    string
			From     string
			To       string
			OnUpdate string `gorm:"column:on_update"`
			OnDelete string `gorm:"column:on_delete"`
		}
		var fks []fk
		if err := g.Raw("SELECT id, \"table\" AS `table`, \"from\" AS `from`, \"to\" AS `to`, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", tb.Name).Scan(&fks).Error; err != nil {
			return nil, err
		}
		byID := map[int][]fk{}
		for _, x := range fks {
			byID[x.ID] = append(byID[x.ID], x)
		}
		for _, group := range byID {
			var from, to []string
			for _, x := range group {
				from, to = append(from, x.From), append(to, x.To)
			}
			// SQLite does not report a foreign key's name: the columns name it.
			f[tb.Name+" foreign key ("+strings.Join(from, ", ")+")"] = fmt.Sprintf("REFERENCES %s (%s) ON UPDATE %s ON DELETE %s",
				group[0].Table, strings.Join(to, ", "), group[0].OnUpdate, group[0].OnDelete)
		}
	}
	return f, nil
}

// recorder is a GORM logger that keeps the statements that change the schema or the data.
type recorder struct {
	mu  sync.Mutex
	sql []string
}

var changing = regexp.MustCompile(`(?i)^\s*(CREATE|ALTER|DROP|RENAME|INSERT|UPDATE|DELETE|REPLACE)\b`)

func (r *recorder) changes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sql)
}

func (r *recorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *recorder) Info(context.Context, string, ...any)     {}
func (r *recorder) Warn(context.Context, string, ...any)     {}
func (r *recorder) Error(context.Context, string, ...any)    {}
func (r *recorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	if s, _ := fc(); changing.MatchString(s) {
		r.mu.Lock()
		r.sql = append(r.sql, s)
		r.mu.Unlock()
	}
}
