// Package mail sends email: over SMTP (SMTP) or, in demo and development
// mode with no SMTP server, into a directory of .eml files (Dir), so that
// sign-in links are never written to logs.
//
// Addresses and bodies hold personal data and sign-in links, so nothing here
// logs them and no error repeats them.
package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/textproto"
	"slices"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Message is one email to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string            // plain text part (always)
	HTML    string            // optional HTML part
	Headers map[string]string // extra headers, e.g. List-Unsubscribe
}

// Sender sends a Message. SMTP and Dir implement it; a domain package that
// sends mail asks for this interface.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage is wrapped by every error about the Message itself (as
// opposed to its delivery), which no retry can fix.
var ErrInvalidMessage = errors.New("mail: invalid message")

// reservedHeaders are set from the Message's fields or by the library;
// letting Headers override them would make a message say something other
// than what the caller's fields say.
var reservedHeaders = []string{
	"Bcc", "Cc", "Content-Transfer-Encoding", "Content-Type", "Date", "From",
	"Message-Id", "Mime-Version", "Return-Path", "Sender", "Subject", "To",
}

// build turns m into a go-mail message from the sender address from.
func build(from string, m Message) (*gomail.Msg, error) {
	if m.Subject == "" {
		return nil, fmt.Errorf("%w: empty subject", ErrInvalidMessage)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: line break in subject", ErrInvalidMessage)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, fmt.Errorf("%w: empty text part", ErrInvalidMessage)
	}

	msg := gomail.NewMsg()
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("%w: invalid From address", ErrInvalidMessage)
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid From address", ErrInvalidMessage)
	}
	// go-mail's error would repeat the recipient's address.
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return nil, fmt.Errorf("%w: invalid recipient address", ErrInvalidMessage)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("%w: invalid recipient address", ErrInvalidMessage)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	id, err := messageID(fromAddr.Address)
	if err != nil {
		return nil, err
	}
	msg.SetMessageIDWithValue(id)
	// go-mail would otherwise advertise its name and version to every
	// recipient.
	msg.SetUserAgent("Keyturn")

	// Sorted so that the same Message always produces the same header order.
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		value := m.Headers[name]
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if !validHeaderName(name) {
			return nil, fmt.Errorf("%w: invalid header name %q", ErrInvalidMessage, name)
		}
		if slices.Contains(reservedHeaders, canon) {
			return nil, fmt.Errorf("%w: header %s is set from the message fields", ErrInvalidMessage, canon)
		}
		if strings.ContainsAny(value, "\r\n") {
			return nil, fmt.Errorf("%w: line break in header %s", ErrInvalidMessage, canon)
		}
		msg.SetGenHeader(gomail.Header(canon), value)
	}

	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// messageID returns a random Message-ID in the sender's domain rather than
// go-mail's default, which would publish this machine's host name.
func messageID(fromAddress string) (string, error) {
	domain := fromAddress[strings.LastIndexByte(fromAddress, '@')+1:]
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("mail: message id: %w", err)
	}
	return hex.EncodeToString(b) + "@" + domain, nil
}

// validHeaderName reports whether name is a header field name (RFC 5322
// section 2.2: printable ASCII except colon).
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c > '~' || c == ':' {
			return false
		}
	}
	return true
}
