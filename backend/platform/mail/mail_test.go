package mail

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/mail/mailtest"
)

const (
	from      = "Keyturn <no-reply@keyturn.example>"
	recipient = "jane.customer@example.com"
	waitMail  = 5 * time.Second
)

// A link longer than a quoted-printable line, so soft line breaks are
// exercised, and a subject that needs encoded words.
var sample = Message{
	To:      recipient,
	Subject: "Your agreement – what happens next",
	Text:    "Hello Jane,\n\nSign in: https://keyturn.example/signin?token=" + strings.Repeat("a", 90) + "\n\nÜber uns: £ and €.\n",
	HTML:    "<p>Hello Jane,</p>\n<p><a href=\"https://keyturn.example/signin\">Sign in</a> – £</p>\n",
	Headers: map[string]string{
		"List-Unsubscribe":      "<https://keyturn.example/u/abc123>, <mailto:unsubscribe@keyturn.example?subject=abc123>",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	},
}

// newSMTP returns a sender for srv that trusts its certificate.
func newSMTP(t *testing.T, srv *mailtest.Server, cfg SMTPConfig) *SMTP {
	t.Helper()
	cfg.Host, cfg.Port = srv.Host(), srv.Port()
	if cfg.From == "" {
		cfg.From = from
	}
	s, err := NewSMTP(cfg)
	require.NoError(t, err)
	s.tlsConfig.RootCAs = srv.CertPool()
	return s
}

// requireSample checks that got is sample as sent from from.
func requireSample(t *testing.T, got mailtest.Received) {
	t.Helper()
	require.Equal(t, sample.Subject, got.Subject)
	require.Equal(t, sample.Text, got.Text)
	require.Equal(t, sample.HTML, got.HTML)
	require.Equal(t, sample.Headers["List-Unsubscribe"], got.Headers.Get("List-Unsubscribe"))
	require.Equal(t, sample.Headers["List-Unsubscribe-Post"], got.Headers.Get("List-Unsubscribe-Post"))
	require.Equal(t, `"Keyturn" <no-reply@keyturn.example>`, got.Headers.Get("From"))
	require.Equal(t, "<"+recipient+">", got.Headers.Get("To"))
	require.Contains(t, got.Headers.Get("Content-Type"), "multipart/alternative")
	require.Regexp(t, `^<[0-9a-f]{32}@keyturn\.example>$`, got.Headers.Get("Message-Id"),
		"the Message-ID is in the sender's domain, not this machine's name")
	require.Equal(t, "Keyturn", got.Headers.Get("User-Agent"))
	_, err := got.Headers.Date()
	require.NoError(t, err)
}

func TestSMTPSend(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s := newSMTP(t, srv, SMTPConfig{TLS: TLSNone})

	require.NoError(t, s.Send(t.Context(), sample))

	got := srv.WaitFor(t, recipient, waitMail)
	require.Equal(t, "no-reply@keyturn.example", got.From)
	require.Equal(t, []string{recipient}, got.To)
	requireSample(t, got)
	require.Len(t, srv.Messages(), 1)
}

func TestSMTPSendTextOnly(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s := newSMTP(t, srv, SMTPConfig{TLS: TLSNone})

	m := Message{To: recipient, Subject: "Your appointment", Text: "See you on Monday.\n"}
	require.NoError(t, s.Send(t.Context(), m))

	got := srv.WaitFor(t, recipient, waitMail)
	require.Equal(t, m.Text, got.Text)
	require.Empty(t, got.HTML)
	require.True(t, strings.HasPrefix(got.Headers.Get("Content-Type"), "text/plain"), got.Headers.Get("Content-Type"))
}

func TestSMTPStartTLSWithAuth(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("keyturn", "s3cret-pass"))

	s := newSMTP(t, srv, SMTPConfig{TLS: TLSStartTLS, Username: "keyturn", Password: "s3cret-pass"})
	require.NoError(t, s.Send(t.Context(), sample))
	requireSample(t, srv.WaitFor(t, recipient, waitMail))

	bad := newSMTP(t, srv, SMTPConfig{TLS: TLSStartTLS, Username: "keyturn", Password: "wrong-pass"})
	err := bad.Send(t.Context(), Message{To: "other@example.com", Subject: "x", Text: "x"})
	require.Error(t, err)
	require.NotContains(t, err.Error(), "wrong-pass")

	anon := newSMTP(t, srv, SMTPConfig{TLS: TLSStartTLS})
	require.Error(t, anon.Send(t.Context(), Message{To: "other@example.com", Subject: "x", Text: "x"}),
		"the server requires AUTH")
	require.Len(t, srv.Messages(), 1)
}

func TestSMTPImplicitTLS(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t, mailtest.WithImplicitTLS(), mailtest.WithAuth("keyturn", "s3cret-pass"))
	s := newSMTP(t, srv, SMTPConfig{TLS: TLSImplicit, Username: "keyturn", Password: "s3cret-pass"})
	require.NoError(t, s.Send(t.Context(), sample))
	requireSample(t, srv.WaitFor(t, recipient, waitMail))
}

func TestSMTPRefusesWithoutTLS(t *testing.T) {
	t.Parallel()
	plain := mailtest.NewServer(t)
	tlsSrv := mailtest.NewServer(t, mailtest.WithSTARTTLS())

	// STARTTLS is required, not opportunistic.
	err := newSMTP(t, plain, SMTPConfig{TLS: TLSStartTLS}).Send(t.Context(), sample)
	require.ErrorContains(t, err, "STARTTLS")

	// Implicit TLS against a plain server fails the handshake.
	err = newSMTP(t, plain, SMTPConfig{TLS: TLSImplicit}).Send(t.Context(), sample)
	require.Error(t, err)

	// A certificate nobody vouches for is refused.
	untrusted, err := NewSMTP(SMTPConfig{Host: tlsSrv.Host(), Port: tlsSrv.Port(), From: from, TLS: TLSStartTLS})
	require.NoError(t, err)
	err = untrusted.Send(t.Context(), sample)
	require.ErrorContains(t, err, "certificate")

	require.Empty(t, plain.Messages())
	require.Empty(t, tlsSrv.Messages())
}

func TestSMTPRejectedRecipient(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s := newSMTP(t, srv, SMTPConfig{TLS: TLSNone})
	srv.RejectRecipient("gone@example.com", 550, [3]int{5, 1, 1})
	srv.RejectRecipient("busy@example.com", 451, [3]int{4, 3, 0})

	tests := []struct {
		to        string
		code      int
		enhanced  string
		temporary bool
	}{
		{"gone@example.com", 550, "5.1.1", false},
		{"busy@example.com", 451, "4.3.0", true},
	}
	for _, tc := range tests {
		err := s.Send(t.Context(), Message{To: tc.to, Subject: "x", Text: "x"})
		var se *SendError
		require.ErrorAs(t, err, &se, tc.to)
		require.Equal(t, tc.code, se.Code)
		require.Equal(t, tc.enhanced, se.Enhanced)
		require.Equal(t, tc.temporary, se.Temporary)
		require.Contains(t, se.Stage, "RCPT")
		require.NotContains(t, err.Error(), tc.to[:strings.IndexByte(tc.to, '@')],
			"the error must not repeat the address")
	}
	require.Empty(t, srv.Messages())
}

func TestSMTPContext(t *testing.T) {
	t.Parallel()

	t.Run("canceled before sending", func(t *testing.T) {
		t.Parallel()
		srv := mailtest.NewServer(t)
		s := newSMTP(t, srv, SMTPConfig{TLS: TLSNone})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		require.ErrorIs(t, s.Send(ctx, sample), context.Canceled)
		require.Empty(t, srv.Messages())
	})

	t.Run("server stalls", func(t *testing.T) {
		t.Parallel()
		// A server that accepts the connection and never greets: go-mail
		// alone would wait for its 15-second timeout.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		var wg sync.WaitGroup
		t.Cleanup(func() {
			_ = l.Close()
			wg.Wait()
		})
		wg.Go(func() {
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					_ = c.Close()
				}
			}()
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				conns = append(conns, c)
			}
		})
		addr := l.Addr().(*net.TCPAddr)
		s, err := NewSMTP(SMTPConfig{Host: addr.IP.String(), Port: addr.Port, From: from, TLS: TLSNone})
		require.NoError(t, err)

		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err = s.Send(ctx, sample)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(start), 5*time.Second)
	})
}

func TestSMTPConcurrentSends(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	s := newSMTP(t, srv, SMTPConfig{TLS: TLSNone})
	to := []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com"}
	var wg sync.WaitGroup
	errs := make([]error, len(to))
	for i, addr := range to {
		wg.Go(func() {
			errs[i] = s.Send(t.Context(), Message{To: addr, Subject: "Hi " + addr, Text: "x"})
		})
	}
	wg.Wait()
	for i, addr := range to {
		require.NoError(t, errs[i])
		require.Equal(t, "Hi "+addr, srv.WaitFor(t, addr, waitMail).Subject)
	}
}

func TestNewSMTPConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  SMTPConfig
		want string
	}{
		{"no host", SMTPConfig{From: from}, "host is required"},
		{"bad TLS mode", SMTPConfig{Host: "smtp.example.com", From: from, TLS: "ssl"}, `TLS mode "ssl"`},
		{"port out of range", SMTPConfig{Host: "smtp.example.com", Port: 70000, From: from}, "port 70000"},
		{"negative port", SMTPConfig{Host: "smtp.example.com", Port: -1, From: from}, "port -1"},
		{"no from", SMTPConfig{Host: "smtp.example.com"}, "from address is required"},
		{"bad from", SMTPConfig{Host: "smtp.example.com", From: "not an address"}, "from address is not a valid address"},
		{"username only", SMTPConfig{Host: "smtp.example.com", From: from, Username: "u"}, "username and password"},
		{"password only", SMTPConfig{Host: "smtp.example.com", From: from, Password: "p"}, "username and password"},
		{
			"credentials in the clear",
			SMTPConfig{Host: "smtp.example.com", From: from, TLS: TLSNone, Username: "u", Password: "secret-pw"},
			"credentials need TLS",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewSMTP(tc.cfg)
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "secret-pw")
		})
	}

	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		for tlsMode, port := range map[string]int{"": 587, TLSStartTLS: 587, TLSImplicit: 465, TLSNone: 25} {
			s, err := NewSMTP(SMTPConfig{Host: "smtp.example.com", From: from, TLS: tlsMode})
			require.NoError(t, err)
			require.Equal(t, port, s.cfg.Port, tlsMode)
		}
		s, err := NewSMTP(SMTPConfig{Host: "smtp.example.com", From: from})
		require.NoError(t, err)
		require.Equal(t, TLSStartTLS, s.cfg.TLS, "TLS is on unless switched off")

		// Credentials without TLS are fine to a relay on loopback.
		_, err = NewSMTP(SMTPConfig{Host: "127.0.0.1", From: from, TLS: TLSNone, Username: "u", Password: "p"})
		require.NoError(t, err)
	})
}

func TestInvalidMessage(t *testing.T) {
	t.Parallel()
	srv := mailtest.NewServer(t)
	senders := map[string]Sender{
		"smtp": newSMTP(t, srv, SMTPConfig{TLS: TLSNone}),
		"dir":  NewDir(t.TempDir(), from),
	}
	valid := func(edit func(*Message)) Message {
		m := Message{To: recipient, Subject: "s", Text: "t", Headers: map[string]string{}}
		edit(&m)
		return m
	}
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"bad recipient", valid(func(m *Message) { m.To = "jane.customer at example.com" }), "invalid recipient"},
		{"two recipients", valid(func(m *Message) { m.To = recipient + ", bob@example.com" }), "invalid recipient"},
		{"no subject", valid(func(m *Message) { m.Subject = "" }), "empty subject"},
		{"line break in subject", valid(func(m *Message) { m.Subject = "a\r\nBcc: jane.customer@example.com" }), "line break in subject"},
		{"no text", valid(func(m *Message) { m.Text = " \n" }), "empty text part"},
		{"reserved header", valid(func(m *Message) { m.Headers["bcc"] = "x@example.com" }), "header Bcc"},
		{"line break in header", valid(func(m *Message) { m.Headers["List-Unsubscribe"] = "<a>\r\nBcc: x@example.com" }), "line break in header"},
		{"bad header name", valid(func(m *Message) { m.Headers["List Unsubscribe"] = "x" }), "invalid header name"},
	}
	for name, s := range senders {
		for _, tc := range tests {
			err := s.Send(t.Context(), tc.m)
			require.ErrorIs(t, err, ErrInvalidMessage, "%s: %s", name, tc.name)
			require.ErrorContains(t, err, tc.want, "%s: %s", name, tc.name)
			require.NotContains(t, err.Error(), "jane.customer", "%s: %s: no address in errors", name, tc.name)
		}
	}
	require.Empty(t, srv.Messages())
}

func TestDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "outbox") // created on first send
	d := NewDir(dir, from)

	require.NoError(t, d.Send(t.Context(), sample))
	second := Message{To: "bob@example.com", Subject: "Second", Text: "Two\n"}
	require.NoError(t, d.Send(t.Context(), second))

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "one file per message and no temporary files left")
	for _, e := range entries {
		require.True(t, strings.HasSuffix(e.Name(), ".eml"), e.Name())
		require.False(t, strings.HasPrefix(e.Name(), "."), e.Name())
		info, err := e.Info()
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file holds personal data")
	}
	info, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), info.Mode().Perm())

	// Names sort by sending time.
	raw, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	require.NoError(t, err)
	got, err := mailtest.Parse(raw)
	require.NoError(t, err)
	requireSample(t, got)

	raw, err = os.ReadFile(filepath.Join(dir, entries[1].Name()))
	require.NoError(t, err)
	got, err = mailtest.Parse(raw)
	require.NoError(t, err)
	require.Equal(t, "Second", got.Subject)
	require.Equal(t, "Two\n", got.Text)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	require.ErrorIs(t, d.Send(ctx, sample), context.Canceled)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "a canceled send writes nothing")
}

func TestDirUnwritable(t *testing.T) {
	t.Parallel()
	// A regular file where the directory should be.
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	err := NewDir(file, from).Send(t.Context(), sample)
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrInvalidMessage))
}
