package roster

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
)

// Feature keys. Each feature is one provisioning aspect; AspectRole is the
// other one (the user's roles, provisioned atomically).
const (
	FeatureMatching  = "matching"
	FeatureVoice     = "voice"
	FeatureChat      = "chat"
	FeatureMessaging = "messaging"
	FeatureEmail     = "email"
	AspectRole       = "role"
)

// FeatureKeys lists the known feature keys in a stable order.
var FeatureKeys = []string{FeatureMatching, FeatureVoice, FeatureChat, FeatureMessaging, FeatureEmail}

// AspectNames are the aspects a provisioning record can be of: the role
// and each feature.
var AspectNames = append([]string{AspectRole}, FeatureKeys...)

// Matching holds routing attributes and queue proficiencies.
type Matching struct {
	Attributes []string           `json:"attributes,omitzero"`
	Queues     []QueueProficiency `json:"queues,omitzero"`
}

// QueueProficiency assigns a queue with a proficiency of 1 to 10.
type QueueProficiency struct {
	QueueID     string `json:"queueId"`
	Proficiency int    `json:"proficiency"`
}

// Voice holds the voice channel settings. UserExtension,
// EmergencyLocationIdentificationNumber and Providers are server-generated:
// ignored on input, filled from the user's voice identity on output.
type Voice struct {
	AutoAnswer                            *bool           `json:"autoAnswer,omitempty"`
	AfterContactWork                      *bool           `json:"afterContactWork,omitempty"`
	UserExtension                         string          `json:"userExtension,omitempty"`
	EmergencyLocationIdentificationNumber string          `json:"emergencyLocationIdentificationNumber,omitempty"`
	Providers                             []VoiceProvider `json:"providers,omitempty"`
}

// VoiceProvider is a server-generated link of the user to a voice channel provider.
type VoiceProvider struct {
	ProviderAgentID   string `json:"providerAgentId"`
	ChannelProviderID string `json:"channelProviderId"`
}

// Channel holds the settings of the chat, messaging and email channels.
type Channel struct {
	AutoAnswer       *bool `json:"autoAnswer,omitempty"`
	Multiplicity     *int  `json:"multiplicity,omitempty"`
	AfterContactWork *bool `json:"afterContactWork,omitempty"`
}

// Features maps a feature key to its settings, stored as canonical JSON (the
// re-encoding of the typed value, so equal settings are equal bytes). In a
// user's own fields a key mapped to nil opts out of the profile's feature.
type Features map[string]json.RawMessage

// featureTypes gives the settings type of each feature key.
var featureTypes = map[string]reflect.Type{
	FeatureMatching:  reflect.TypeFor[Matching](),
	FeatureVoice:     reflect.TypeFor[Voice](),
	FeatureChat:      reflect.TypeFor[Channel](),
	FeatureMessaging: reflect.TypeFor[Channel](),
	FeatureEmail:     reflect.TypeFor[Channel](),
}

// JSONFieldType tells the strict decoder which keys Features allows.
func (Features) JSONFieldType(key string) (reflect.Type, bool) {
	t, ok := featureTypes[key]
	return t, ok
}

// UnmarshalJSON decodes each feature into its typed form and stores the
// canonical encoding; null is kept as an opt-out.
func (f *Features) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	if raw == nil {
		*f = nil
		return nil
	}
	out := make(Features, len(raw))
	for k, v := range raw {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			out[k] = nil
			continue
		}
		c, err := canonicalFeature(k, v)
		if err != nil {
			return err
		}
		out[k] = c
	}
	*f = out
	return nil
}

// MarshalJSON writes opt-outs as null.
func (f Features) MarshalJSON() ([]byte, error) {
	if f == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range f.Keys() {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		if f[k] == nil {
			b.WriteString("null")
		} else {
			b.Write(f[k])
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Keys returns the feature keys in sorted order.
func (f Features) Keys() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// canonicalFeature re-encodes a feature's settings through its typed form.
// Unknown keys keep their bytes; validation reports them.
func canonicalFeature(key string, v json.RawMessage) (json.RawMessage, error) {
	t, ok := featureTypes[key]
	if !ok {
		return v, nil
	}
	p := reflect.New(t)
	if err := json.Unmarshal(v, p.Interface()); err != nil {
		return nil, err
	}
	if vo, ok := p.Interface().(*Voice); ok {
		vo.clearGenerated()
	}
	return json.Marshal(p.Interface())
}

func (v *Voice) clearGenerated() {
	v.UserExtension, v.EmergencyLocationIdentificationNumber, v.Providers = "", "", nil
}

// DecodeMatching returns the typed matching settings of a canonical feature.
func DecodeMatching(raw json.RawMessage) (Matching, error) {
	var m Matching
	err := json.Unmarshal(raw, &m)
	return m, err
}

// DecodeChannel returns the typed settings of a chat, messaging or email feature.
func DecodeChannel(raw json.RawMessage) (Channel, error) {
	var c Channel
	err := json.Unmarshal(raw, &c)
	return c, err
}

// VoiceIdentity is the server-generated part of a user's voice feature. It is
// allocated once when the user's effective view gains voice and stays the
// same until voice is removed, so a user's extension never changes.
type VoiceIdentity struct {
	UserExtension                         string          `json:"userExtension"`
	EmergencyLocationIdentificationNumber string          `json:"emergencyLocationIdentificationNumber"`
	Providers                             []VoiceProvider `json:"providers"`
}

// WithVoiceIdentity returns the voice settings with the identity's fields added.
func WithVoiceIdentity(raw json.RawMessage, id *VoiceIdentity) json.RawMessage {
	if id == nil || raw == nil {
		return raw
	}
	var v Voice
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	v.UserExtension = id.UserExtension
	v.EmergencyLocationIdentificationNumber = id.EmergencyLocationIdentificationNumber
	v.Providers = id.Providers
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}
