// Package contract is the storage contract suite: the same tests run against
// SQLite always and against PostgreSQL and MySQL/MariaDB when they are
// available (see test/testenv). Each module adds its repository tests in a
// file of its own here, built on testenv.EachBackend.
package contract
