package models

import (
	"context"
	"database/sql"
	"errors"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// deadlockTries is how often a transaction runs when MySQL keeps choosing it as a deadlock victim.
const deadlockTries = 3

// retryTx runs fn in a transaction, and again when MySQL rolled it back as a deadlock victim
// (error 1213): InnoDB undoes the victim whole, so running it again is safe, and it is what
// MySQL asks of applications whose transactions race on the same rows.
func (s *Store) retryTx(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	var err error
	for range deadlockTries {
		if err = s.conn(ctx).Transaction(fn, opts...); !isDeadlock(err) {
			return err
		}
	}
	return err
}

func isDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1213
}
