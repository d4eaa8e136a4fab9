package testenv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	tcmysql "github.com/testcontainers/testcontainers-go/modules/mysql"
)

// MySQLImage is the official image started when no server is configured.
const MySQLImage = "mysql:8.4.5"

var mysqlServer server[string]

// MySQLURL returns a DATABASE_URL (mysql://…) of a fresh database that is
// dropped when the test ends. The server comes from CAMPUSHUB_TEST_MYSQL_DSN
// (MySQL or MariaDB), else from a container shared by the test binary;
// without either the test is skipped.
func MySQLURL(t testing.TB) string {
	t.Helper()
	admin := mysqlServer.get(t, findMySQL)
	return freshDatabase(t, admin, openMySQL,
		"CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", dropMySQL)
}

// dropMySQL drops a test database.
func dropMySQL(ctx context.Context, db *sql.DB, name string) error {
	_, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`")
	return err
}

// openMySQL opens a mysql://user:pass@host:port/db URL with the driver.
func openMySQL(raw string) (*sql.DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "mysql" {
		return nil, errors.New("want a mysql:// URL")
	}
	cfg := mysql.NewConfig()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	return sql.Open("mysql", cfg.FormatDSN())
}

func findMySQL() (admin, skip string, err error) {
	if dsn := os.Getenv("CAMPUSHUB_TEST_MYSQL_DSN"); dsn != "" {
		return dsn, "", nil
	}
	if !DockerAvailable() {
		return "", "MySQL suites skipped: set CAMPUSHUB_TEST_MYSQL_DSN (" + enableHint + ")", nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Root, because every test creates its own database. The container is
	// shared by the test binary and removed by the testcontainers reaper.
	c, err := tcmysql.Run(ctx, MySQLImage,
		tcmysql.WithDatabase("campushub"),
		tcmysql.WithUsername("root"),
		tcmysql.WithPassword("campushub"),
	)
	if err != nil {
		return "", "", fmt.Errorf("start %s: %w", MySQLImage, err)
	}
	host, err := c.Host(ctx)
	if err != nil {
		return "", "", fmt.Errorf("address of %s: %w", MySQLImage, err)
	}
	port, err := c.MappedPort(ctx, "3306/tcp")
	if err != nil {
		return "", "", fmt.Errorf("address of %s: %w", MySQLImage, err)
	}
	return fmt.Sprintf("mysql://root:campushub@%s:%s/campushub", host, port.Port()), "", nil
}
