package roster

import (
	"context"
	"encoding/json"
	"time"
)

// Actions and states of the status objects (seed 000).
const (
	ActionAdd    = "ADD"
	ActionUpdate = "UPDATE"
	ActionDelete = "DELETE"

	StatusInProgress       = "IN_PROGRESS"
	StatusCompleted        = "COMPLETED"
	StatusFailed           = "FAILED"
	StatusDeleteInProgress = "DELETE_IN_PROGRESS"
	StatusDeleted          = "DELETED"

	MsgInProgress = "Operation is in progress"
	MsgCompleted  = "Completed successfully"
	MsgFailed     = "Operation failed"
)

// Aspect states as stored.
const (
	AspectPending = "pending" // desired differs from provisioned or a retry is due
	AspectDone    = "done"    // provisioned == desired
	AspectFailed  = "failed"  // gave up; a client PUT (or DELETE) retries
)

// AspectStatus is the status of one aspect (role or a feature).
type AspectStatus struct {
	Action  string `json:"action"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// UserStatus is the status object of a user (seed 000 "List User Statuses").
type UserStatus struct {
	Action   string                  `json:"action"`
	Status   string                  `json:"status"`
	Message  string                  `json:"message"`
	UserID   string                  `json:"userId"`
	Role     *AspectStatus           `json:"role,omitempty"`
	Features map[string]AspectStatus `json:"features,omitempty"`
}

// ProfileStatus is the status object of a profile: the propagation of its
// latest change to its users.
type ProfileStatus struct {
	Action    string                  `json:"action"`
	Status    string                  `json:"status"`
	Message   string                  `json:"message"`
	ProfileID string                  `json:"profileId"`
	Role      *AspectStatus           `json:"role,omitempty"`
	Features  map[string]AspectStatus `json:"features,omitempty"`
}

// ProfileChange is what a profile's status reports: the action of its
// latest change, the aspects that its changes not yet settled touched, and
// the profile version since which its users' records count.
type ProfileChange struct {
	Action  string
	Since   int64
	Aspects map[string]string // aspect name -> ADD, UPDATE or DELETE
}

// Aspect is the provisioning record of one aspect of one user: what is
// desired, what was provisioned, and how far the reconciler got.
type Aspect struct {
	AccountID       string
	UserID          string
	Name            string          // "role" or a feature key
	Desired         json.RawMessage // nil: the aspect should not exist
	DesiredVersion  int64
	Provisioned     json.RawMessage // nil: not provisioned
	Action          string          // ADD, UPDATE or DELETE: the latest change's
	State           string          // AspectPending, AspectDone, AspectFailed
	Message         string          // the provisioner's message on failure
	Attempts        int
	NextAttemptAt   time.Time
	Stamp           int64  // the user's change that last touched it (see NextStamp; 0: none, 1: an older roster's flag)
	CauseProfileID  string // set when a profile change caused the latest change
	CauseProfileVer int64
}

// Job is one unit of provisioning work handed to a Provisioner: bring one
// aspect of one user to Desired (nil for DELETE). Version increases with each
// change of the aspect; a provisioner may see a version more than once (at
// least once delivery) and must treat a repeat as a no-op.
type Job struct {
	AccountID string          `json:"accountId"`
	UserID    string          `json:"userId"`
	Aspect    string          `json:"aspect"`
	Action    string          `json:"action"`
	Version   int64           `json:"version"`
	Desired   json.RawMessage `json:"desired"`
	Attempt   int             `json:"attempt"`
	// Worker names the process making the attempt (sent as a header by the
	// webhook provisioner, for tracing; not part of the desired state).
	Worker string `json:"-"`
}

// ProvisionError is a failure reported by a provisioner. Temporary failures
// are retried with backoff; others fail the aspect at once. Message is shown
// in the status.
type ProvisionError struct {
	Message   string
	Temporary bool
}

func (e *ProvisionError) Error() string { return e.Message }

// TombstoneTTL is how long the status of a deleted user or profile stays readable.
const TombstoneTTL = 24 * time.Hour

// IdempotentAnswer is the stored first answer to a POST with an
// Idempotency-Key. Status 0 marks a request still being answered.
type IdempotentAnswer struct {
	RequestHash string
	Status      int
	Headers     string // JSON object of the replayed headers
	Body        string
	CreatedAt   time.Time
}

// Outcome is what a provisioning attempt of a claimed record came to.
type Outcome struct {
	Done    bool      // provisioned the claimed desired state
	Failed  bool      // gave up: FAILED until the client retries
	RetryAt time.Time // when neither: try again then
	Message string
	// Unattempted: not tried (its lease was too short for a call); the
	// record is released as it was.
	Unattempted bool
}

// Attempt is a claimed record and the outcome of its provisioning attempt.
type Attempt struct {
	Aspect  Aspect
	Outcome Outcome
}

// LatestStamp is the stamp of the user's latest change among its records.
func LatestStamp(records map[string]Aspect) int64 {
	var latest int64
	for _, a := range records {
		latest = max(latest, a.Stamp)
	}
	return latest
}

// NextStamp is the stamp of the change after the one stamped latest: the
// next pair, (latest/2 + 1)·2, plus 1 for a client's change, so its lowest
// bit tells whose change it is (1: a client's, 0: a profile's) and it is
// always higher than latest. The flags stamps replaced (1 on the records
// of the latest change, which the user's row described) read as a client's.
func NextStamp(latest int64, byProfile bool) int64 {
	next := (latest>>1 + 1) << 1
	if !byProfile {
		next |= 1
	}
	return next
}

// ByProfile reports whether the change that stamped a record was a
// profile's (see StatusAction).
func ByProfile(stamp int64) bool { return stamp != 0 && stamp&1 == 0 }

// StatusAction is the action of a user's latest change, given the one its
// row holds (that of its latest client change: ADD or UPDATE) and its
// latest stamp: UPDATE when a profile's change came later, for a
// propagation does not write the row of each user it changes.
func StatusAction(row string, latest int64) string {
	if ByProfile(latest) {
		return ActionUpdate
	}
	return row
}

// Shown reports whether the record is part of its user's status, given
// the user's latest stamp: the records of the latest change, and every
// record not yet done. A change stamps only the records it touches, so the
// records of earlier changes drop out of the status without a write.
func (a Aspect) Shown(latest int64) bool {
	return a.State != AspectDone || a.Stamp != 0 && a.Stamp == latest
}

// AspectStamp is a new stamp for one record of an account.
type AspectStamp struct {
	UserID, Name string
	Stamp        int64
}

// AspectCounts counts, per aspect name, the records a profile change caused
// and how many of them failed (the words of a failed status).
type AspectCounts struct {
	Total, Failed int
}

// AspectProgress tells, for one aspect, whether records a profile change
// caused are pending or failed, and the action of one of them.
type AspectProgress struct {
	Action          string
	Pending, Failed bool
}

// Propagation is a profile change being carried to the profile's users.
type Propagation struct {
	AccountID, ProfileID string
	Version              int64
	Cursor               string // the last user id done
	Done                 bool
	LeaseOwner           string // the worker that claimed it, if any
}

// Provisioner brings one aspect of one user to its desired state in the
// contact-center platform. It returns nil when done, or an error; a
// *ProvisionError says whether to retry and what to show in the status.
type Provisioner interface {
	Provision(ctx context.Context, job Job) error
}
