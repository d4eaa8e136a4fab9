package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/go-kit/kit/endpoint"

	"github.com/campushub/campushub/adapters/http/httpkit"
	"github.com/campushub/campushub/app/auth"
)

// PerClient returns middleware that limits requests per client address
// (httpkit.ClientAddresses must run first); requests over the limit are
// answered in the family owning the path.
func (l *Limiter) PerClient(lim Limit, fams httpkit.Families) func(http.Handler) http.Handler {
	lim.Scope = ScopeClient
	return l.middleware(lim, fams, func(r *http.Request) string { return auth.ClientFrom(r.Context()) })
}

// PerToken returns middleware that limits requests per access token
// presented (Authorization, a token header, a token or access_token query
// parameter). Requests without a token pass: they are refused by
// authentication or belong to an unauthenticated route with its own limit.
// Buckets are kept under a hash of the token, never the token.
func (l *Limiter) PerToken(lim Limit, fams httpkit.Families) func(http.Handler) http.Handler {
	lim.Scope = ScopeToken
	return l.middleware(lim, fams, func(r *http.Request) string {
		tok := presentedToken(r)
		if tok == "" {
			return ""
		}
		sum := sha256.Sum256([]byte(tok))
		return hex.EncodeToString(sum[:16])
	})
}

func (l *Limiter) middleware(lim Limit, fams httpkit.Families, key func(*http.Request) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if lim.Rate.Off() {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if k := key(r); k != "" {
				if err := l.Allow(r.Context(), lim, k); err != nil {
					fams.For(r.URL.Path).WriteError(w, r, err)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

func presentedToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		return auth.ParseAuthorization(h)
	}
	if t := strings.TrimSpace(r.Header.Get("token")); t != "" {
		return t
	}
	if r.URL.RawQuery == "" {
		return ""
	}
	q := r.URL.Query()
	if t := q.Get("access_token"); t != "" {
		return t
	}
	return q.Get("token")
}

// Endpoint returns go-kit endpoint middleware that limits calls per
// key(request) — e.g. the 微校 app key of a receive body. Over the limit
// the endpoint returns ErrRateLimited for the transport's error encoder.
func (l *Limiter) Endpoint(lim Limit, key func(request any) string) endpoint.Middleware {
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if lim.Rate.Off() {
			return next
		}
		return func(ctx context.Context, request any) (any, error) {
			if k := key(request); k != "" {
				if err := l.Allow(ctx, lim, k); err != nil {
					return nil, err
				}
			}
			return next(ctx, request)
		}
	}
}
