// Package storage implements the repository and unit-of-work ports on bun,
// for SQLite (the default), PostgreSQL and MySQL/MariaDB. Database
// differences (placeholders, unique violations, SKIP LOCKED, retries) are
// handled here and never leak into the app layer.
package storage
