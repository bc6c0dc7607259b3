package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// AccessTTL is the lifetime of an access token (RULES S1: at most 15 minutes).
const AccessTTL = 15 * time.Minute

// Audience is the only audience the API accepts.
const Audience = "keyturn-api"

// typAccess is the only kind of JWT the API accepts (RULES S1, ASVS 9.2.2).
const typAccess = "access"

// clockSkew is the leeway allowed on exp/nbf/iat (RULES S1: ≤30 s).
const clockSkew = 30 * time.Second

// Keys holds the Ed25519 signing keys by kid. Only Active signs; every key in
// the map verifies, so a key can be rotated out gracefully.
type Keys struct {
	Active string
	keys   map[string]ed25519.PrivateKey
}

type keysFile struct {
	Active string            `json:"active"`
	Keys   map[string]string `json:"keys"` // kid → base64 of the 32-byte Ed25519 seed
}

// LoadOrCreateKeys reads the key file, or creates it with one fresh key when
// it does not exist (first run). The file is written with mode 0600.
func LoadOrCreateKeys(path string) (*Keys, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return createKeys(path)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read signing keys: %w", err)
	}
	var f keysFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("auth: signing keys file %s is not valid JSON: %w", path, err)
	}
	k := &Keys{Active: f.Active, keys: map[string]ed25519.PrivateKey{}}
	for kid, b64 := range f.Keys {
		seed, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("auth: signing key %q in %s is not a base64 Ed25519 seed", kid, path)
		}
		k.keys[kid] = ed25519.NewKeyFromSeed(seed)
	}
	if _, ok := k.keys[k.Active]; !ok {
		return nil, fmt.Errorf("auth: active signing key %q is not in %s", k.Active, path)
	}
	return k, nil
}

func createKeys(path string) (*Keys, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("auth: generate signing key: %w", err)
	}
	kid := time.Now().UTC().Format("20060102") + "-" + RandomToken()[:8]
	f := keysFile{Active: kid, Keys: map[string]string{kid: base64.StdEncoding.EncodeToString(seed)}}
	raw, _ := json.MarshalIndent(f, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("auth: create key folder: %w", err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		return nil, fmt.Errorf("auth: write signing keys: %w", err)
	}
	return &Keys{Active: kid, keys: map[string]ed25519.PrivateKey{kid: ed25519.NewKeyFromSeed(seed)}}, nil
}

// NewKeys builds a key set in memory (tests).
func NewKeys(active string, seeds map[string][]byte) *Keys {
	k := &Keys{Active: active, keys: map[string]ed25519.PrivateKey{}}
	for kid, s := range seeds {
		k.keys[kid] = ed25519.NewKeyFromSeed(s)
	}
	return k
}

// accessClaims is what an access token carries: the subject and its scope,
// so each request is authorised without a database read.
type accessClaims struct {
	jwt.RegisteredClaims
	Typ         string  `json:"typ"`
	Role        string  `json:"role"`
	Financier   int64   `json:"fin,omitempty"`
	DealerGroup int64   `json:"dg,omitempty"`
	Locations   []int64 `json:"loc,omitempty"`
	EnrolOnly   bool    `json:"enrol,omitempty"`
}

// Tokens signs and verifies access JWTs.
type Tokens struct {
	keys   *Keys
	issuer string
	now    func() time.Time
	parser *jwt.Parser
}

// NewTokens makes a signer/verifier for one issuer.
func NewTokens(keys *Keys, issuer string, now func() time.Time) *Tokens {
	return &Tokens{
		keys:   keys,
		issuer: issuer,
		now:    now,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(issuer),
			jwt.WithAudience(Audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(clockSkew),
			jwt.WithTimeFunc(now),
		),
	}
}

// Sign issues an access token for p.
func (t *Tokens) Sign(p Principal) (string, error) {
	now := t.now()
	claims := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    t.issuer,
			Subject:   p.Kind + ":" + strconv.FormatInt(p.SubjectID, 10),
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTTL)),
			ID:        RandomToken()[:22],
		},
		Typ:         typAccess,
		Role:        p.Role,
		Financier:   p.Scope.FinancierID,
		DealerGroup: p.Scope.DealerGroupID,
		Locations:   p.Scope.LocationIDs,
		EnrolOnly:   p.EnrolOnly,
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = t.keys.Active
	s, err := tok.SignedString(t.keys.keys[t.keys.Active])
	if err != nil {
		return "", fmt.Errorf("auth: sign access token: %w", err)
	}
	return s, nil
}

// ErrBadToken is returned for any token that must not be accepted. The reason
// is deliberately not told to the client.
var ErrBadToken = errors.New("auth: token not accepted")

// Verify checks an access token and returns its principal. Only keys from the
// static kid map are used: jku, x5u and jwk headers are ignored (RULES S1).
func (t *Tokens) Verify(raw string) (Principal, error) {
	var claims accessClaims
	_, err := t.parser.ParseWithClaims(raw, &claims, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		key, ok := t.keys.keys[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return key.Public(), nil
	})
	if err != nil {
		return Principal{}, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	if claims.Typ != typAccess {
		return Principal{}, fmt.Errorf("%w: typ %q", ErrBadToken, claims.Typ)
	}
	kind, idText, ok := strings.Cut(claims.Subject, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || (kind != KindStaff && kind != KindCustomer) {
		return Principal{}, fmt.Errorf("%w: subject", ErrBadToken)
	}
	p := Principal{Kind: kind, SubjectID: id, Role: claims.Role, EnrolOnly: claims.EnrolOnly}
	p.Scope.FinancierID = claims.Financier
	p.Scope.DealerGroupID = claims.DealerGroup
	p.Scope.LocationIDs = claims.Locations
	p.Scope.AllLocations = claims.Role == RoleDealerPrincipal
	if kind == KindCustomer {
		if claims.Role != RoleCustomer {
			return Principal{}, fmt.Errorf("%w: role", ErrBadToken)
		}
		p.Scope.CustomerID = id
	}
	return p, nil
}

// RandomToken returns 256 random bits, base64url without padding: the form of
// every opaque token (refresh, invite, link).
func RandomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // the OS's CSPRNG never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how opaque tokens are stored: SHA-256, hex. A 256-bit random
// token needs no salt or slow hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
