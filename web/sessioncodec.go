package web

import (
	"encoding/json"
	"fmt"
)

// sessionCodec serializes session values as compact JSON instead of gob: the session holds
// only string keys with uint, string or []string values, and decoding gob (which sends its
// type descriptions with every value) was the costliest part of loading a session.
type sessionCodec struct{}

// sessionValue is one value with its type kept, so a uint comes back a uint.
type sessionValue struct {
	U *uint    `json:"u,omitempty"`
	S *string  `json:"s,omitempty"`
	L []string `json:"l,omitempty"`
}

// Serialize encodes a session's values.
func (sessionCodec) Serialize(src interface{}) ([]byte, error) {
	m, ok := src.(map[interface{}]interface{})
	if !ok {
		return nil, fmt.Errorf("session codec: unexpected %T", src)
	}
	out := make(map[string]sessionValue, len(m))
	for k, v := range m {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("session codec: key %v is not a string", k)
		}
		switch v := v.(type) {
		case uint:
			out[key] = sessionValue{U: &v}
		case string:
			out[key] = sessionValue{S: &v}
		case []string:
			out[key] = sessionValue{L: append([]string{}, v...)}
		default:
			return nil, fmt.Errorf("session codec: value of %q is a %T", key, v)
		}
	}
	return json.Marshal(out)
}

// Deserialize decodes what Serialize made into the session's values.
func (sessionCodec) Deserialize(src []byte, dst interface{}) error {
	m, ok := dst.(*map[interface{}]interface{})
	if !ok {
		return fmt.Errorf("session codec: unexpected %T", dst)
	}
	var in map[string]sessionValue
	if err := json.Unmarshal(src, &in); err != nil {
		return err
	}
	for k, v := range in {
		switch {
		case v.U != nil:
			(*m)[k] = *v.U
		case v.S != nil:
			(*m)[k] = *v.S
		default:
			(*m)[k] = v.L
		}
	}
	return nil
}
