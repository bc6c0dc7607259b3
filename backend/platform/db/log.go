package db

import (
	"context"
	"errors"
	"log/slog"
	"time"

	gormlogger "gorm.io/gorm/logger"
)

// slowQuery is the duration past which a query is logged as a warning.
const slowQuery = 200 * time.Millisecond

// gormLogger is GORM's slog logger with two changes: bound values are never
// logged (they can be names, emails or push endpoints), and errors that
// callers expect and handle — not found, duplicate key, a cancelled request —
// are not logged as errors.
type gormLogger struct {
	gormlogger.Interface
}

func newGormLogger(l *slog.Logger) gormLogger {
	return gormLogger{gormlogger.NewSlogLogger(l, gormlogger.Config{
		SlowThreshold:             slowQuery,
		LogLevel:                  gormlogger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})}
}

// LogMode keeps the wrapper when GORM changes the level (db.Debug()).
func (l gormLogger) LogMode(level gormlogger.LogLevel) gormlogger.Interface {
	return gormLogger{l.Interface.LogMode(level)}
}

// Trace drops expected errors before handing the query to slog, which still
// logs it if it was slow.
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if IsUniqueViolation(err) || errors.Is(err, context.Canceled) {
		err = nil
	}
	l.Interface.Trace(ctx, begin, fc, err)
}

// ParamsFilter drops bound values from logged SQL (GORM looks this method up
// on the logger).
func (gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
