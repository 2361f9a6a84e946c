// Package vonage is the Vonage Contact Center dialect of roster's users
// (seed 001): its request and response shapes, its rules, and the
// translation to and from the canonical user. It does no I/O.
package vonage

// User is a Vonage user, as sent and as answered. Fields a client cannot
// set (userId, lastLoginTime, locked, chargeable) are accepted and ignored
// on input, so a GET can be sent back as a PUT. Unset fields stay unset:
// what is stored is what was sent, with the seed's defaults filled in.
type User struct {
	UserID                   string         `json:"userId,omitempty"`
	Username                 *string        `json:"username,omitempty"`
	Name                     *string        `json:"name,omitempty"`
	Email                    *string        `json:"email,omitempty"`
	LastLoginTime            *string        `json:"lastLoginTime"`
	Active                   *bool          `json:"active,omitempty"`
	Locked                   *bool          `json:"locked,omitempty"`
	SSOExternalID            *string        `json:"ssoExternalId,omitempty"`
	UserAccountConfiguration *AccountConfig `json:"userAccountConfiguration,omitempty"`
}

// AccountConfig is a user's userAccountConfiguration.
type AccountConfig struct {
	Role               *string      `json:"role,omitempty"`
	Chargeable         *bool        `json:"chargeable,omitempty"`
	ActAsAgent         *bool        `json:"actAsAgent,omitempty"`
	AgentConfiguration *AgentConfig `json:"agentConfiguration,omitempty"`
}

// AgentConfig is the settings of a user who can act as an agent.
type AgentConfig struct {
	AgentDisplayID                *string           `json:"agentDisplayId,omitempty"`
	WebRTC                        *bool             `json:"webrtc,omitempty"`
	AgentControlWebRTC            *bool             `json:"agentControlWebrtc,omitempty"`
	HandleMultipleInteractions    *bool             `json:"handleMultipleInteractions,omitempty"`
	EnforcedDispositionCodes      *bool             `json:"enforcedDispositionCodes,omitempty"`
	TranscribeCalls               *bool             `json:"transcribeCalls,omitempty"`
	ScreenRecording               *bool             `json:"screenRecording,omitempty"`
	CallParking                   *bool             `json:"callParking,omitempty"`
	SalesCadence                  *bool             `json:"salesCadence,omitempty"`
	OutboundAutoanswer            *bool             `json:"outboundAutoanswer,omitempty"`
	InboundAutoanswer             *bool             `json:"inboundAutoanswer,omitempty"`
	OutboundWrapUp                *int              `json:"outboundWrapUp,omitempty"`
	BackToReadyAfterNoAnswer      *int              `json:"backToReadyAfterNoAnswer,omitempty"`
	BackToReadyAfterLineBusy      *int              `json:"backToReadyAfterLineBusy,omitempty"`
	BackToReadyAfterInvalidNumber *int              `json:"backToReadyAfterInvalidNumber,omitempty"`
	BackToReadyAfterNetworkIssue  *int              `json:"backToReadyAfterNetworkIssue,omitempty"`
	CallRatingFrequency           *int              `json:"callRatingFrequency,omitempty"`
	Video                         *bool             `json:"video,omitempty"`
	TranscribeCallsRealTime       *bool             `json:"transcribeCallsRealTime,omitempty"`
	CallRecordingControls         *bool             `json:"callRecordingControls,omitempty"`
	Location                      *string           `json:"location,omitempty"`
	TelephonyAddress              *TelephonyAddress `json:"telephonyAddress,omitempty"`
	Capacity                      *Capacity         `json:"capacity,omitempty"`
	AssociatedUsers               []AssociatedUser  `json:"associatedUsers,omitempty"`
}

// TelephonyAddress is where an agent takes its calls.
type TelephonyAddress struct {
	TelephoneAddress          *string `json:"telephoneAddress,omitempty"`
	TelephonyExtension        *string `json:"telephonyExtension,omitempty"`
	OutboundTelephonyRegion   *string `json:"outboundTelephonyRegion,omitempty"`
	NationalDisplay           *bool   `json:"nationalDisplay,omitempty"`
	VirtualLocation           *string `json:"virtualLocation,omitempty"`
	PreventAutoCallbackNumber *bool   `json:"preventAutoCallbackNumber,omitempty"`
	SelectedCallbackNumberID  *string `json:"selectedCallbackNumberId,omitempty"`
}

// Capacity is an agent's share of capacity per interaction kind. The seed's
// request spells nonLive and semiLive, its response nonlive and semilive:
// both are accepted, and a user is answered in the spelling it was sent in.
type Capacity struct {
	IsAgentLevel  *bool `json:"isAgentLevel,omitempty"`
	Live          *int  `json:"live,omitempty"`
	NonLive       *int  `json:"nonLive,omitempty"`
	SemiLive      *int  `json:"semiLive,omitempty"`
	NonLiveLower  *int  `json:"nonlive,omitempty"`
	SemiLiveLower *int  `json:"semilive,omitempty"`
}

// AssociatedUser links an agent to a user of another application.
type AssociatedUser struct {
	Username        *string `json:"username,omitempty"`
	ApplicationType *string `json:"applicationType,omitempty"`
}

// Roles of a Vonage user.
const (
	RoleAdmin      = "Admin"
	RoleSupervisor = "Supervisor"
	RoleWallboard  = "Wallboard"
	RoleAgent      = "Agent"
)
