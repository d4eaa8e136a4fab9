package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// adminCommand runs `campushub admin create --account A [--password P]`.
func adminCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: campushub admin create --account A [--password P]")
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	acct := fs.String("account", "", "manager's phone number or e-mail")
	pw := fs.String("password", "", "password (read from stdin when omitted)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *acct == "" {
		return errors.New("admin create: --account is required")
	}
	if *pw == "" {
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("admin create: read password: %w", err)
		}
		*pw = strings.TrimRight(line, "\r\n")
	}
	db, err := openDB(ctx, cfg, log, true)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := accountService(cfg, db, log)
	if err != nil {
		return err
	}
	a, err := svc.CreateManager(ctx, *acct, *pw)
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	fmt.Printf("manager %s created with id %d\n", a.Username, a.ID)
	return nil
}
