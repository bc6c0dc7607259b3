package auth

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

func testTokens(t *testing.T, now *time.Time) (*Tokens, *Keys) {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 7
	keys := NewKeys("k1", map[string][]byte{"k1": seed})
	return NewTokens(keys, "http://keyturn.test", func() time.Time { return *now }), keys
}

func TestAccessTokenRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tk, _ := testTokens(t, &now)
	p := Principal{Kind: KindStaff, SubjectID: 42, Role: RoleDealerStaff}
	p.Scope.DealerGroupID = 3
	p.Scope.LocationIDs = []int64{5, 6}
	raw, err := tk.Sign(p)
	require.NoError(t, err)
	got, err := tk.Verify(raw)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

func TestAccessTokenRefused(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tk, keys := testTokens(t, &now)
	good, err := tk.Sign(Principal{Kind: KindStaff, SubjectID: 1, Role: RoleFinancierMarketer})
	require.NoError(t, err)
	priv := keys.keys["k1"]

	sign := func(method jwt.SigningMethod, key any, mutate func(c jwt.MapClaims, h map[string]any)) string {
		c := jwt.MapClaims{"iss": "http://keyturn.test", "aud": []string{Audience}, "sub": "staff:1", "typ": "access",
			"role": RoleFinancierAdmin, "fin": 1, "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = "k1"
		if mutate != nil {
			mutate(c, tok.Header)
		}
		s, err := tok.SignedString(key)
		require.NoError(t, err)
		return s
	}
	pubBytes := []byte(priv.Public().(ed25519.PublicKey))

	cases := map[string]string{
		"expired": sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) {
			c["exp"] = now.Add(-time.Minute).Unix()
		}),
		"no expiry": sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) { delete(c, "exp") }),
		"tampered": func() string {
			parts := strings.Split(good, ".")
			payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
			payload = []byte(strings.Replace(string(payload), `"financier_marketer"`, `"financier_admin"`, 1))
			parts[1] = base64.RawURLEncoding.EncodeToString(payload)
			return strings.Join(parts, ".")
		}(),
		"wrong audience": sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) { c["aud"] = []string{"other"} }),
		"wrong issuer":   sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) { c["iss"] = "http://evil.test" }),
		"refresh typ":    sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) { c["typ"] = "refresh" }),
		"unknown kid":    sign(jwt.SigningMethodEdDSA, priv, func(_ jwt.MapClaims, h map[string]any) { h["kid"] = "k9" }),
		"alg none": func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"iss": "http://keyturn.test", "aud": Audience,
				"sub": "staff:1", "typ": "access", "role": RoleFinancierAdmin, "exp": now.Add(time.Minute).Unix(), "iat": now.Unix()})
			tok.Header["kid"] = "k1"
			s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
			require.NoError(t, err)
			return s
		}(),
		// The classic confusion: HMAC "signed" with the public key bytes.
		"HS256 with public key": sign(jwt.SigningMethodHS256, pubBytes, nil),
		"customer with staff role": sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) {
			c["sub"] = "customer:5"
		}),
		"not yet valid": sign(jwt.SigningMethodEdDSA, priv, func(c jwt.MapClaims, _ map[string]any) {
			c["iat"] = now.Add(time.Hour).Unix()
		}),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := tk.Verify(raw)
			require.ErrorIs(t, err, ErrBadToken)
		})
	}
	_, err = tk.Verify(good)
	require.NoError(t, err, "the untouched token still verifies")
}

func TestAccessTokenExpiresAfterTTL(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tk, _ := testTokens(t, &now)
	raw, err := tk.Sign(Principal{Kind: KindCustomer, SubjectID: 9, Role: RoleCustomer})
	require.NoError(t, err)
	now = now.Add(AccessTTL + clockSkew + time.Second)
	_, err = tk.Verify(raw)
	require.ErrorIs(t, err, ErrBadToken)
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	require.NoError(t, err)
	require.True(t, CheckPassword(h, "correct horse battery staple"))
	require.False(t, CheckPassword(h, "correct horse battery stapler"))
	require.False(t, CheckPassword("", ""))
	require.False(t, CheckPassword("$bcrypt$junk", "x"))
}

func TestKeysFileCreatedOnceAndReloaded(t *testing.T) {
	path := t.TempDir() + "/keys.json"
	k1, err := LoadOrCreateKeys(path)
	require.NoError(t, err)
	k2, err := LoadOrCreateKeys(path)
	require.NoError(t, err)
	require.Equal(t, k1.Active, k2.Active)
	require.Equal(t, k1.keys[k1.Active], k2.keys[k2.Active])
}

func TestNormalisePostcode(t *testing.T) {
	require.Equal(t, "LS14AP", NormalisePostcode(" ls1  4ap "))
	require.Equal(t, "D02X285", NormalisePostcode("D02 X285"))
}
