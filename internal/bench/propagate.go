package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

const profileBody = `{"profileName":"Propagation %s","roles":["Agent"],"features":{"voice":{"autoAnswer":false,"afterContactWork":false}%s}}`

// propagate puts n users on one profile, then adds chat to the profile and
// measures the time until the profile's status (which covers every user)
// is COMPLETED, with c readers GETting users meanwhile. Every user's chat
// is checked afterwards; a user without it counts as an error.
func (f *fixtures) propagate(ctx context.Context, n, c int) (Result, error) {
	var p struct {
		ProfileID string `json:"profileId"`
	}
	if err := f.c.call(ctx, "POST", f.path("/profiles"), fmt.Appendf(nil, profileBody, f.run, ""), 202, &p); err != nil {
		return Result{}, err
	}
	users, err := f.createMany(ctx, n, c, "g", p.ProfileID)
	if err != nil {
		return Result{}, err
	}
	if _, err := f.waitCompleted(ctx, p.ProfileID); err != nil {
		return Result{}, err
	}
	readCtx, stopReads := context.WithCancel(ctx)
	reads := make(chan Result, 1)
	go func() {
		reads <- load(readCtx, "propagate", c, time.Hour, func(ctx context.Context, w, i int) (bool, error) {
			u := users[(w*7919+i*104729)%len(users)]
			return false, f.c.call(ctx, "GET", f.path("/users/"+u.id), nil, 200, nil)
		})
	}()
	start := time.Now()
	chat := `,"chat":{"autoAnswer":false,"multiplicity":2,"afterContactWork":false}`
	err = f.c.call(ctx, "PUT", f.path("/profiles/"+p.ProfileID), fmt.Appendf(nil, profileBody, f.run, chat), 202, nil)
	if err == nil {
		_, err = f.waitCompleted(ctx, p.ProfileID)
	}
	done := time.Since(start)
	stopReads()
	r := <-reads
	if err != nil {
		return r, err
	}
	r.DoneSeconds = done.Seconds()
	r.Note = fmt.Sprintf("%d users; GETs meanwhile: %d", n, r.Ops)
	missing, err := f.withoutChat(ctx, users)
	r.Errors += missing
	return r, err
}

// waitCompleted polls the profile's status until it is COMPLETED (FAILED
// is an error) and returns how many polls it took.
func (f *fixtures) waitCompleted(ctx context.Context, profile string) (int, error) {
	for i := 0; ; i++ {
		var st struct {
			Status string `json:"status"`
		}
		if err := f.c.call(ctx, "GET", f.path("/profiles/"+profile+"/status"), nil, 200, &st); err != nil {
			return i, err
		}
		switch st.Status {
		case "COMPLETED":
			return i, nil
		case "FAILED":
			return i, fmt.Errorf("profile %s: provisioning FAILED", profile)
		}
		select {
		case <-ctx.Done():
			return i, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// withoutChat counts the users whose chat is not COMPLETED.
func (f *fixtures) withoutChat(ctx context.Context, users []user) (int, error) {
	missing := 0
	for i := 0; i < len(users); i += 50 {
		var ids []string
		for _, u := range users[i:min(i+50, len(users))] {
			ids = append(ids, u.id)
		}
		body, _ := json.Marshal(map[string]any{"userIds": ids})
		var sts []struct {
			Features map[string]struct {
				Status string `json:"status"`
			} `json:"features"`
		}
		if err := f.c.call(ctx, "POST", f.path("/users:listStatuses"), body, 200, &sts); err != nil {
			return missing, err
		}
		for _, st := range sts {
			if st.Features["chat"].Status != "COMPLETED" {
				missing++
			}
		}
		missing += len(ids) - len(sts)
	}
	return missing, nil
}
