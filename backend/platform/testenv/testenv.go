// Package testenv finds the real services (PostgreSQL, Redis) that storage
// tests run against. Without them a test skips with the reason; when
// KEYTURN_REQUIRE_SERVICES=1 (as in CI) a missing service fails the test, so a
// green CI run always means the PostgreSQL and Redis paths were exercised.
package testenv

import (
	"os"
	"testing"
)

// Environment variables read by the tests.
const (
	DatabaseURLEnv     = "KEYTURN_TEST_DATABASE_URL"
	RedisURLEnv        = "KEYTURN_TEST_REDIS_URL"
	RequireServicesEnv = "KEYTURN_REQUIRE_SERVICES"
)

// PostgresURL returns the PostgreSQL URL for tests, or skips (fails when
// services are required) when none is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	return lookup(t, DatabaseURLEnv, "PostgreSQL")
}

// RedisURL returns the Redis URL for tests, or skips (fails when services are
// required) when none is configured.
func RedisURL(t testing.TB) string {
	t.Helper()
	return lookup(t, RedisURLEnv, "Redis")
}

// ServicesRequired reports whether a missing service is a failure.
func ServicesRequired() bool {
	return os.Getenv(RequireServicesEnv) == "1"
}

func lookup(t testing.TB, env, name string) string {
	t.Helper()
	v := os.Getenv(env)
	if v != "" {
		return v
	}
	if ServicesRequired() {
		t.Fatalf("%s is required (%s=1) but %s is not set", name, RequireServicesEnv, env)
	}
	t.Skipf("skipping: %s tests need %s", name, env)
	return ""
}
