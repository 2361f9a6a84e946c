package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

const account = "BENCHA"

// fixtures are what the scenarios share: the account, users to read and
// replace, and users to delete.
type fixtures struct {
	c    *client
	mu   sync.Mutex
	pool []user // read and replaced
	dead []user // created by create scenarios, deleted by delete
	seq  atomic.Int64
	run  string // in every login, so runs against one target do not collide
}

type user struct{ id, login string }

func userBody(login, profile, password string) []byte {
	extra := ""
	if profile != "" {
		extra += `,"profileId":"` + profile + `"`
	}
	if password != "" {
		extra += `,"password":"` + password + `"`
	}
	// Last names User0…User99, spread evenly: lastName=User1* matches 11%.
	return fmt.Appendf(nil, `{"organizationNodeId":%q,"loginId":%q,"firstName":"Bench","lastName":"User%d","roles":["Agent"]%s}`,
		account, login, nameHash(login)%100, extra)
}

// nameHash spreads logins over last names (FNV-1a).
func nameHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (f *fixtures) path(p string) string { return "/v1beta/accounts/" + account + p }

// create makes one user and returns it.
func (f *fixtures) create(ctx context.Context, prefix, profile, password string) (user, error) {
	login := fmt.Sprintf("%s%d-%s@bench.example", prefix, f.seq.Add(1), f.run)
	var out struct {
		UserID string `json:"userId"`
	}
	err := f.c.call(ctx, "POST", f.path("/users"), userBody(login, profile, password), 202, &out)
	return user{out.UserID, login}, err
}

// scenarios returns the operation of each named scenario.
func (f *fixtures) scenarios() map[string]op {
	pick := func(w, i int) user {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.pool[(w*7919+i*104729)%len(f.pool)]
	}
	created := func(u user, err error) (bool, error) {
		if err == nil {
			f.mu.Lock()
			f.dead = append(f.dead, u)
			f.mu.Unlock()
		}
		return false, err
	}
	get := func(ctx context.Context, w, i int) (bool, error) {
		return false, f.c.call(ctx, "GET", f.path("/users/"+pick(w, i).id), nil, 200, nil)
	}
	replace := func(ctx context.Context, w, i int) (bool, error) {
		u := pick(w, i)
		return false, f.c.call(ctx, "PUT", f.path("/users/"+u.id), userBody(u.login, "", ""), 202, nil)
	}
	create := func(ctx context.Context, w, i int) (bool, error) { return created(f.create(ctx, "c", "", "")) }
	return map[string]op{
		"create": create,
		"create-password": func(ctx context.Context, w, i int) (bool, error) {
			return created(f.create(ctx, "p", "", "Bench!Passw0rd"))
		},
		"get":     get,
		"replace": replace,
		"list": func(ctx context.Context, w, i int) (bool, error) {
			return false, f.c.call(ctx, "GET", f.path("/users?lastName=User1*&pageSize=100"), nil, 200, nil)
		},
		"search": func(ctx context.Context, w, i int) (bool, error) {
			body := []byte(`{"filter":[{"key":"lastName","operator":"STARTS_WITH","value":"User1"},` +
				`{"key":"role","operator":"EQUALS","value":"Agent"}],"pageSize":100}`)
			return false, f.c.call(ctx, "POST", f.path("/users:search"), body, 200, nil)
		},
		"delete": func(ctx context.Context, w, i int) (bool, error) {
			f.mu.Lock()
			if len(f.dead) == 0 {
				f.mu.Unlock()
				return true, nil
			}
			u := f.dead[len(f.dead)-1]
			f.dead = f.dead[:len(f.dead)-1]
			f.mu.Unlock()
			return false, f.c.call(ctx, "DELETE", f.path("/users/"+u.id), nil, 204, nil)
		},
		"mixed": func(ctx context.Context, w, i int) (bool, error) {
			switch (w*31 + i) % 10 {
			case 8:
				return replace(ctx, w, i)
			case 9:
				return create(ctx, w, i)
			}
			return get(ctx, w, i)
		},
	}
}

// setup creates the account and n users to read, c at a time.
func (f *fixtures) setup(ctx context.Context, n, c int) error {
	// A running target may have the account from an earlier run: reuse it.
	if f.c.call(ctx, "GET", f.path(""), nil, 200, nil) != nil {
		err := f.c.call(ctx, "POST", "/v1beta/accounts", []byte(`{"accountId":"`+account+`","name":"Bench"}`), 201, nil)
		if err != nil {
			return err
		}
	}
	users, err := f.createMany(ctx, n, c, "r", "")
	f.pool = users
	return err
}

// createMany creates n users, c at a time.
func (f *fixtures) createMany(ctx context.Context, n, c int, prefix, profile string) ([]user, error) {
	out := make([]user, n)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				u, err := f.create(ctx, prefix, profile, "")
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				out[i] = u
			}
		})
	}
	wg.Wait()
	return out, firstErr
}
