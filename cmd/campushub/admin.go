package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/peterbourgon/ff/v3/ffcli"
)

// adminCommand is `campushub admin create --account A [--password P]`.
func (c *cli) adminCommand() *ffcli.Command {
	fs := c.flags("admin create")
	acct := fs.String("account", "", "manager's phone number or e-mail (required)")
	pw := fs.String("password", "", "password (read from the first line of stdin when omitted)")
	create := &ffcli.Command{
		Name: "create", ShortUsage: "campushub admin create --account A [--password P]", FlagSet: fs,
		ShortHelp: "create a manager account",
		Exec: c.withConfig("admin create", func(ctx context.Context, cfg Config, log *slog.Logger) error {
			return adminCreate(ctx, cfg, log, *acct, *pw, os.Stdin, c.stdout)
		}),
	}
	subs := []*ffcli.Command{create}
	return &ffcli.Command{
		Name: "admin", ShortUsage: "campushub admin create --account A [--password P]", FlagSet: c.flags("admin"),
		ShortHelp:   "manage manager accounts",
		Subcommands: subs,
		Exec:        wantSubcommand("admin", subs),
	}
}

// adminCreate creates the manager account; the password comes from stdin
// when pw is empty. The database is migrated first.
func adminCreate(ctx context.Context, cfg Config, log *slog.Logger, acct, pw string, stdin io.Reader, stdout io.Writer) error {
	if acct == "" {
		return errors.New("admin create: --account is required")
	}
	if pw == "" {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("admin create: read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	db, err := openDB(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	a, err := accountService(cfg, db, log).CreateManager(ctx, acct, pw)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	fmt.Fprintf(stdout, "manager %s created with id %d\n", a.Username, a.ID)
	return nil
}
