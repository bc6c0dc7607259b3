package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Dir "sends" mail by writing each message as an RFC 5322 .eml file into a
// directory, for demo and development mode without an SMTP server: a
// developer opens the file to follow a sign-in link, and the link never
// reaches a log.
type Dir struct {
	dir  string
	from string
}

var _ Sender = (*Dir)(nil)

// NewDir returns a sender writing into dir (created on first send) with from
// as the sender address.
func NewDir(dir, from string) *Dir {
	return &Dir{dir: dir, from: from}
}

// Send writes m to a new file named after the time and a random suffix, so
// names sort by sending time and never collide. The file is written under a
// temporary name and renamed, so a reader never sees half a message, and is
// readable by its owner only, since it holds personal data.
func (d *Dir) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: dir: %w", err)
	}
	msg, err := build(d.from, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return fmt.Errorf("mail: dir: %w", err)
	}
	tmp, err := os.CreateTemp(d.dir, ".writing-*.eml")
	if err != nil {
		return fmt.Errorf("mail: dir: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := msg.WriteTo(tmp); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("mail: dir: write: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: dir: write: %w", err)
	}
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return fmt.Errorf("mail: dir: %w", err)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(suffix) + ".eml"
	if err := os.Rename(tmp.Name(), filepath.Join(d.dir, name)); err != nil {
		return fmt.Errorf("mail: dir: %w", err)
	}
	return nil
}
