// Package mailtest runs a real SMTP server (github.com/emersion/go-smtp) on
// loopback that records what it receives, so tests see mail exactly as a
// relay would: envelope, headers and decoded parts.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// Received is one message as the server got it.
type Received struct {
	From    string         // envelope sender (MAIL FROM)
	To      []string       // envelope recipients (RCPT TO)
	Headers netmail.Header // top-level headers, as sent (encoded words not decoded)
	Subject string         // decoded Subject header
	Text    string         // decoded text/plain part, line breaks as "\n"
	HTML    string         // decoded text/html part, line breaks as "\n"; empty when absent
	Raw     []byte         // the message as received
}

// Server is a recording SMTP server on 127.0.0.1.
type Server struct {
	srv      *smtp.Server
	addr     *net.TCPAddr
	certPool *x509.CertPool
	user     string
	pass     string
	served   chan struct{}

	mu       sync.Mutex
	messages []Received
	rejects  map[string]*smtp.SMTPError // by lower-case recipient
	changed  chan struct{}              // closed and replaced on every new message
}

// Option configures NewServer.
type Option func(*config)

type config struct {
	startTLS    bool
	implicitTLS bool
	user, pass  string
}

// WithSTARTTLS offers STARTTLS with a self-signed certificate for 127.0.0.1;
// clients trust it through CertPool.
func WithSTARTTLS() Option { return func(c *config) { c.startTLS = true } }

// WithImplicitTLS makes the server speak TLS from the first byte, as on port
// 465; clients trust it through CertPool.
func WithImplicitTLS() Option { return func(c *config) { c.implicitTLS = true } }

// WithAuth requires AUTH PLAIN with these credentials before MAIL FROM.
func WithAuth(user, pass string) Option {
	return func(c *config) { c.user, c.pass = user, pass }
}

// NewServer starts a server on 127.0.0.1 with a free port and closes it when
// the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		user:    cfg.user,
		pass:    cfg.pass,
		served:  make(chan struct{}),
		rejects: make(map[string]*smtp.SMTPError),
		changed: make(chan struct{}),
	}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "mailtest.localhost"
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	// Credentials travel in the clear only when the test chose no TLS; the
	// server is on loopback.
	s.srv.AllowInsecureAuth = true
	// The server's log would otherwise go to stderr; its errors are about
	// connections, which the sending side reports anyway.
	s.srv.ErrorLog = log.New(io.Discard, "", 0)

	var l net.Listener
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	if cfg.startTLS || cfg.implicitTLS {
		tlsCfg, pool := selfSigned(t)
		s.certPool = pool
		if cfg.implicitTLS {
			l = tls.NewListener(l, tlsCfg)
		} else {
			s.srv.TLSConfig = tlsCfg
		}
	}
	s.addr = l.Addr().(*net.TCPAddr)
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.srv.Close()
		// go-smtp's Close only closes listeners that Serve has registered;
		// when the test ends before the goroutine got that far, closing the
		// listener here is what makes Serve return.
		_ = l.Close()
		<-s.served
	})
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr.String() }

// Host returns the server's IP address, "127.0.0.1".
func (s *Server) Host() string { return s.addr.IP.String() }

// Port returns the server's port.
func (s *Server) Port() int { return s.addr.Port }

// CertPool returns the roots that trust the server's certificate, or nil
// when the server has no TLS.
func (s *Server) CertPool() *x509.CertPool { return s.certPool }

// RejectRecipient makes RCPT TO for addr fail with code (4xx temporary,
// 5xx permanent) and the RFC 3463 enhanced code, e.g. 550, [3]int{5, 1, 1}.
// The reply text names the address, as real servers' do.
func (s *Server) RejectRecipient(addr string, code int, enhanced [3]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects[strings.ToLower(addr)] = &smtp.SMTPError{
		Code:         code,
		EnhancedCode: smtp.EnhancedCode(enhanced),
		Message:      "rejected <" + addr + ">",
	}
}

// Messages returns what has been received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.messages))
	copy(out, s.messages)
	return out
}

// WaitFor returns the first message whose envelope has recipient to, waiting
// up to timeout, and fails the test if none arrives.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for _, m := range s.messages {
			for _, rcpt := range m.To {
				if strings.EqualFold(rcpt, to) {
					s.mu.Unlock()
					return m
				}
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			require.FailNow(t, "mailtest: no message arrived", "waited %s for a message to %s", timeout, to)
			return Received{}
		}
	}
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	sess := &session{s: b.s}
	if b.s.user != "" {
		return &authSession{session: sess}, nil
	}
	return sess, nil
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	rej := x.s.rejects[strings.ToLower(to)]
	x.s.mu.Unlock()
	if rej != nil {
		return rej
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := Parse(raw)
	if err != nil {
		// Refusing makes the sending test fail with the reason.
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "mailtest: " + err.Error()}
	}
	rec.From = x.from
	rec.To = append([]string(nil), x.to...)
	x.s.record(rec)
	return nil
}

func (x *session) Reset() {
	x.from = ""
	x.to = nil
}

func (x *session) Logout() error { return nil }

// authSession is a session that offers AUTH PLAIN; a separate type because
// go-smtp advertises AUTH for any session that has these methods.
type authSession struct{ *session }

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (a *authSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != a.s.user || pass != a.s.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		a.authed = true
		return nil
	}), nil
}

// Parse reads the headers, subject and text and HTML parts of an RFC 5322
// message, such as a .eml file; From and To are left empty.
func Parse(raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("parse message: %w", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Received{}, fmt.Errorf("decode subject: %w", err)
	}
	rec := Received{Headers: msg.Header, Subject: subject, Raw: raw}
	if err := walk(&rec, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body); err != nil {
		return Received{}, err
	}
	return rec, nil
}

// walk stores the text/plain and text/html leaves of one MIME entity.
func walk(rec *Received, contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type: %w", err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			// NextRawPart leaves the transfer encoding to decode, like the
			// top-level body's.
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := walk(rec, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	text, err := decode(encoding, body)
	if err != nil {
		return err
	}
	switch mediaType {
	case "text/plain":
		rec.Text = text
	case "text/html":
		rec.HTML = text
	}
	return nil
}

func decode(encoding string, r io.Reader) (string, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
	case "", "7bit", "8bit", "binary":
	default:
		return "", fmt.Errorf("unknown transfer encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return "", fmt.Errorf("decode %s body: %w", encoding, err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}

// newlineStripper drops the line breaks that base64 bodies are wrapped with.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// selfSigned returns a server TLS config with a fresh certificate for
// 127.0.0.1 and localhost, and a pool that trusts it.
func selfSigned(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}, pool
}
