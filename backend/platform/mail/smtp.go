package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes for SMTPConfig.TLS.
const (
	TLSNone     = "none"     // plain text; credentials only to a loopback host
	TLSStartTLS = "starttls" // STARTTLS required (usually port 587)
	TLSImplicit = "tls"      // TLS from the first byte (usually port 465)
)

// SMTPConfig says how to reach the SMTP server.
type SMTPConfig struct {
	Host               string
	Port               int // 0: 25, 587 or 465 by TLS mode
	Username, Password string
	From               string // sender address, e.g. "Keyturn <no-reply@keyturn.example>"
	TLS                string // "none", "starttls" (the default when empty) or "tls"
}

// SMTP sends mail through an SMTP server. It opens one connection per
// message, so it is safe for concurrent use and holds nothing open between
// sends; retries belong to the job that calls it.
type SMTP struct {
	cfg SMTPConfig
	// tlsConfig verifies the server as Host; tests swap in their own roots.
	tlsConfig *tls.Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP checks cfg and returns a sender; it does not contact the server.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: smtp: host is required")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	switch cfg.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("mail: smtp: TLS mode %q is not one of %q, %q, %q", cfg.TLS, TLSNone, TLSStartTLS, TLSImplicit)
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[cfg.TLS]
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("mail: smtp: port %d is out of range", cfg.Port)
	}
	if cfg.From == "" {
		return nil, errors.New("mail: smtp: from address is required")
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, errors.New("mail: smtp: from address is not a valid address")
	}
	if (cfg.Username == "") != (cfg.Password == "") {
		return nil, errors.New("mail: smtp: username and password must be set together")
	}
	if cfg.Username != "" && cfg.TLS == TLSNone && !isLoopback(cfg.Host) {
		return nil, errors.New("mail: smtp: credentials need TLS (starttls or tls) unless the host is loopback")
	}
	s := &SMTP{
		cfg:       cfg,
		tlsConfig: &tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12},
	}
	// Build a client once so that go-mail's own checks fail here, at start,
	// rather than on the first send.
	if _, err := s.client(context.Background()); err != nil {
		return nil, fmt.Errorf("mail: smtp: %w", err)
	}
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// client returns a go-mail client for one send. Its connection is closed as
// soon as ctx ends: go-mail only uses the context to dial and otherwise waits
// for its own timeout, so a stalled server would hold a shutting-down worker
// for as long.
func (s *SMTP) client(ctx context.Context) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTLSConfig(s.tlsConfig),
		gomail.WithDialContextFunc(s.dialer(ctx)),
	}
	switch s.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		// With "tls" the dialer has already wrapped the connection in TLS;
		// a STARTTLS on top would be refused.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		// PLAIN and LOGIN first: they are what relays support, and NewSMTP
		// allows credentials only over TLS or loopback, which go-mail
		// enforces again for both.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin,
				gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password),
		)
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return c, nil
}

// dialer connects, adds TLS in "tls" mode, and ties the connection to sendCtx.
func (s *SMTP) dialer(sendCtx context.Context) gomail.DialContextFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if s.cfg.TLS == TLSImplicit {
			tc := tls.Client(conn, s.tlsConfig)
			if err := tc.HandshakeContext(ctx); err != nil {
				_ = conn.Close()
				return nil, fmt.Errorf("tls handshake: %w", err)
			}
			conn = tc
		}
		context.AfterFunc(sendCtx, func() { _ = conn.Close() })
		return conn, nil
	}
}

// Send delivers m. A refusal by the server is a *SendError, which says
// whether a retry may help; an error wrapping ErrInvalidMessage means the
// message itself is wrong.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	msg, err := build(s.cfg.From, m)
	if err != nil {
		return err
	}
	// Cancelled when Send returns, which closes the connection if go-mail
	// has not (it has, after QUIT, on every normal path).
	sendCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	c, err := s.client(sendCtx)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	if err := c.DialAndSendWithContext(sendCtx, msg); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("mail: send: %w", ctxErr)
		}
		return sendError(err)
	}
	return nil
}

// SendError is a message the SMTP server refused or failed to take. It keeps
// what a caller needs to decide on a retry and leaves out the server's text
// and go-mail's list of recipients, which carry the address.
type SendError struct {
	Stage     string // what failed, as go-mail names it, e.g. "sending SMTP RCPT command failed"
	Code      int    // SMTP reply code; 0 when unknown
	Enhanced  string // RFC 3463 enhanced status code, e.g. "5.1.1"; empty when unknown
	Temporary bool   // a 4xx reply: sending again later may succeed
}

// Error implements error.
func (e *SendError) Error() string {
	s := "mail: send: " + e.Stage
	if e.Code != 0 {
		s += " (" + strconv.Itoa(e.Code)
		if e.Enhanced != "" {
			s += " " + e.Enhanced
		}
		s += ")"
	}
	if e.Temporary {
		s += ", temporary"
	}
	return s
}

// sendError turns go-mail's error into one without personal data.
func sendError(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		return &SendError{
			Stage:     se.Reason.String(),
			Code:      se.ErrorCode(),
			Enhanced:  se.EnhancedStatusCode(),
			Temporary: se.IsTemp(),
		}
	}
	// Dial, TLS and AUTH errors name the server, never the recipient.
	return fmt.Errorf("mail: send: %w", err)
}
