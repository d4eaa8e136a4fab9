package storage_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/campushub/campushub/adapters/storage"
	"github.com/campushub/campushub/domain/account"
	"github.com/campushub/campushub/domain/shared"
	"github.com/campushub/campushub/test/testenv"
)

// at is a time with microseconds, the precision every backend keeps.
var at = time.Date(2026, 3, 8, 10, 0, 0, 123456000, time.UTC)

func sampleAccount(key string) account.Account {
	return account.Account{
		Key: key, Area: "86", Phone: "18656660930", OpenID: "HuTfdXc8mENtNULFPBVt233cN2gzZ9lKqAcoUKed",
		Username: "18656660930", IsActive: true, PasswordHash: "$2a$04$hash",
		Profile:   account.Profile{Gender: account.GenderSecret},
		CreatedAt: at, UpdatedAt: at,
	}
}

func TestAccountsRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewAccounts(db)
		a := sampleAccount("+86 18656660930")
		if err := repo.Create(ctx, &a); err != nil {
			t.Fatalf("Create: %v", err)
		}
		if a.ID == 0 {
			t.Fatal("Create did not set the id")
		}
		dup := sampleAccount("+86 18656660930")
		if err := repo.Create(ctx, &dup); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("duplicate key: %v", err)
		}
		for name, get := range map[string]func() (account.Account, error){
			"ByKey": func() (account.Account, error) { return repo.ByKey(ctx, a.Key) },
			"ByID":  func() (account.Account, error) { return repo.ByID(ctx, a.ID) },
		} {
			got, err := get()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !sameAccount(got, a) {
				t.Fatalf("%s = %+v, want %+v", name, got, a)
			}
		}

		a.Profile = account.Profile{Nickname: "小明", Avatar: "https://example.com/a.png", Gender: account.GenderMale, Birthday: "1991-03-08", Address: "合肥"}
		a.FailedLogins = 3
		a.LockedUntil = at.Add(15 * time.Minute)
		a.UpdatedAt = at.Add(time.Hour)
		if err := repo.Update(ctx, a); err != nil {
			t.Fatalf("Update: %v", err)
		}
		got, err := repo.ByID(ctx, a.ID)
		if err != nil || !sameAccount(got, a) {
			t.Fatalf("after Update: %+v, %v; want %+v", got, err, a)
		}
		a.LockedUntil = time.Time{}
		if err := repo.Update(ctx, a); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.ByID(ctx, a.ID); !got.LockedUntil.IsZero() {
			t.Fatalf("cleared lock read back as %v", got.LockedUntil)
		}

		if _, err := repo.ByKey(ctx, "nobody@example.com"); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("ByKey unknown: %v", err)
		}
		if _, err := repo.ByID(ctx, a.ID+100); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("ByID unknown: %v", err)
		}
	})
}

func sameAccount(a, b account.Account) bool {
	return a.ID == b.ID && a.Key == b.Key && a.Area == b.Area && a.Phone == b.Phone && a.Email == b.Email &&
		a.OpenID == b.OpenID && a.Role == b.Role && a.Username == b.Username && a.IsActive == b.IsActive &&
		a.AppID == b.AppID && a.PasswordHash == b.PasswordHash && a.Profile == b.Profile &&
		a.FailedLogins == b.FailedLogins && a.LockedUntil.Equal(b.LockedUntil) &&
		a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func TestCodesRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewCodes(db)
		const key = "+86 18656660930"
		if _, err := repo.Latest(ctx, key); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("Latest with no codes: %v", err)
		}
		var created []account.Code
		for i, sent := range []time.Time{at.Add(-25 * time.Hour), at.Add(-time.Hour), at} {
			c := account.Code{Key: key, Hash: account.HashCode(key, "12345"+string(rune('0'+i))), CreatedAt: sent, ExpiresAt: sent.Add(5 * time.Minute)}
			if err := repo.Create(ctx, &c); err != nil {
				t.Fatalf("Create: %v", err)
			}
			created = append(created, c)
		}
		other := account.Code{Key: "ann@example.com", Hash: "h", CreatedAt: at, ExpiresAt: at.Add(time.Minute)}
		if err := repo.Create(ctx, &other); err != nil {
			t.Fatal(err)
		}

		latest, err := repo.Latest(ctx, key)
		if err != nil || latest.ID != created[2].ID || latest.Hash != created[2].Hash || !latest.ExpiresAt.Equal(created[2].ExpiresAt) {
			t.Fatalf("Latest = %+v, %v; want %+v", latest, err, created[2])
		}
		sent := []struct {
			name  string
			since time.Time
			want  []time.Time
		}{
			{name: "last 24 hours", since: at.Add(-24 * time.Hour), want: []time.Time{at.Add(-time.Hour), at}},
			{name: "since exactly the newest", since: at, want: []time.Time{at}},
			{name: "since a microsecond after the newest", since: at.Add(time.Microsecond)},
			{name: "since long ago", since: at.Add(-48 * time.Hour), want: []time.Time{at.Add(-25 * time.Hour), at.Add(-time.Hour), at}},
		}
		for _, c := range sent {
			got, err := repo.SentSince(ctx, key, c.since)
			if err != nil || !slices.EqualFunc(got, c.want, time.Time.Equal) {
				t.Errorf("SentSince %s = %v, %v; want %v", c.name, got, err, c.want)
			}
			for _, g := range got {
				if g.Location() != time.UTC {
					t.Errorf("SentSince %s: %v is not in UTC", c.name, g)
				}
			}
		}

		latest.Attempts = 4
		latest.Consume(at.Add(time.Minute))
		if err := repo.Update(ctx, latest); err != nil {
			t.Fatalf("Update: %v", err)
		}
		got, _ := repo.Latest(ctx, key)
		if got.Attempts != 4 || !got.ConsumedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("after Update: %+v", got)
		}

		if err := repo.Delete(ctx, latest.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got, _ := repo.Latest(ctx, key); got.ID != created[1].ID {
			t.Fatalf("Latest after Delete = %d, want %d", got.ID, created[1].ID)
		}
	})
}

func TestTokensRepository(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		repo := storage.NewTokens(db)
		tok := func(plain string, kind account.TokenKind, family string) account.Token {
			return account.Token{Hash: account.HashToken(plain), Kind: kind, AccountID: 8, Family: family, IssuedAt: at, ExpiresAt: at.Add(time.Hour)}
		}
		access, refresh := tok("a1", account.AccessToken, "fam1"), tok("r1", account.RefreshToken, "fam1")
		otherAccess := tok("a2", account.AccessToken, "fam2")
		if err := repo.Create(ctx, access, refresh); err != nil {
			t.Fatalf("Create: %v", err)
		}
		if err := repo.Create(ctx, otherAccess); err != nil {
			t.Fatal(err)
		}
		if err := repo.Create(ctx, access); !errors.Is(err, shared.ErrAlreadyExists) {
			t.Fatalf("duplicate hash: %v", err)
		}

		got, err := repo.ByHash(ctx, refresh.Hash)
		if err != nil || got.Kind != account.RefreshToken || got.Family != "fam1" || got.AccountID != 8 ||
			!got.ExpiresAt.Equal(refresh.ExpiresAt) || !got.UsedAt.IsZero() || !got.RevokedAt.IsZero() {
			t.Fatalf("ByHash = %+v, %v", got, err)
		}
		if _, err := repo.ByHash(ctx, account.HashToken("nope")); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("ByHash unknown: %v", err)
		}

		for i, want := range []bool{true, false} {
			won, err := repo.MarkUsed(ctx, refresh.Hash, at.Add(time.Minute))
			if err != nil || won != want {
				t.Fatalf("MarkUsed call %d = %v, %v; want %v", i+1, won, err, want)
			}
		}
		if got, _ := repo.ByHash(ctx, refresh.Hash); !got.UsedAt.Equal(at.Add(time.Minute)) {
			t.Fatalf("used_at = %v", got.UsedAt)
		}

		if err := repo.RevokeFamily(ctx, "fam1", at.Add(2*time.Minute)); err != nil {
			t.Fatalf("RevokeFamily: %v", err)
		}
		for _, h := range []string{access.Hash, refresh.Hash} {
			if got, _ := repo.ByHash(ctx, h); !got.RevokedAt.Equal(at.Add(2 * time.Minute)) {
				t.Errorf("token of the family not revoked: %+v", got)
			}
		}
		if got, _ := repo.ByHash(ctx, otherAccess.Hash); !got.RevokedAt.IsZero() {
			t.Errorf("token of another family revoked: %+v", got)
		}
		if err := repo.RevokeFamily(ctx, "fam1", at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := repo.ByHash(ctx, access.Hash); !got.RevokedAt.Equal(at.Add(2 * time.Minute)) {
			t.Errorf("a second revocation moved revoked_at to %v", got.RevokedAt)
		}
	})
}

func TestAccountChangesRollBackWithTheUnitOfWork(t *testing.T) {
	testenv.EachBackend(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		accounts, tokens := storage.NewAccounts(db), storage.NewTokens(db)
		boom := errors.New("boom")
		err := db.Do(ctx, func(ctx context.Context) error {
			a := sampleAccount("ann@example.com")
			if err := accounts.Create(ctx, &a); err != nil {
				return err
			}
			if err := tokens.Create(ctx, account.Token{Hash: account.HashToken("t"), Kind: account.AccessToken, AccountID: a.ID, Family: "f", IssuedAt: at, ExpiresAt: at}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do = %v", err)
		}
		if _, err := accounts.ByKey(ctx, "ann@example.com"); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("account survived the rollback: %v", err)
		}
		if _, err := tokens.ByHash(ctx, account.HashToken("t")); !errors.Is(err, shared.ErrNotFound) {
			t.Fatalf("token survived the rollback: %v", err)
		}
	})
}
