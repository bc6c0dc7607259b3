package media

import (
	"bytes"
	"unicode/utf8"
)

// sniffLen is how many leading bytes sniff needs: the longest signature is
// WebVTT's (a 3-byte BOM, "WEBVTT" and the byte after it).
const sniffLen = 16

// Accepted says what uploads may be, for refusals and the docs.
const Accepted = "a JPEG, PNG or WebP image, an MP4 or WebM video, or WebVTT captions (UTF-8)"

var (
	sigJPEG   = []byte{0xFF, 0xD8, 0xFF}
	sigPNG    = []byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}
	sigWebM   = []byte{0x1A, 0x45, 0xDF, 0xA3}
	utf8BOM   = []byte{0xEF, 0xBB, 0xBF}
	vttHeader = []byte("WEBVTT")
)

// sniff names a file's kind and the Content-Type it is served with from its
// first bytes (head, at most sniffLen of them); whole says head is the whole
// file. ok is false for anything not accepted. The client's file name and
// Content-Type are never consulted: they are whatever the client says.
func sniff(head []byte, whole bool) (kind, contentType string, ok bool) {
	switch {
	case bytes.HasPrefix(head, sigJPEG):
		return KindImage, "image/jpeg", true
	case bytes.HasPrefix(head, sigPNG):
		return KindImage, "image/png", true
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return KindImage, "image/webp", true
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		return KindVideo, "video/mp4", true
	case bytes.HasPrefix(head, sigWebM):
		return KindVideo, "video/webm", true
	}
	// WebVTT: an optional BOM, "WEBVTT", then a space, tab, line break or
	// the end of the file (the WebVTT file signature).
	rest := bytes.TrimPrefix(head, utf8BOM)
	if bytes.HasPrefix(rest, vttHeader) {
		after := rest[len(vttHeader):]
		if (len(after) == 0 && whole) || (len(after) > 0 && bytes.IndexByte([]byte(" \t\r\n"), after[0]) >= 0) {
			return KindCaptions, "text/vtt; charset=utf-8", true
		}
	}
	return "", "", false
}

// utf8Check checks, a piece at a time, that a stream is valid UTF-8: a
// character split between two pieces is carried over to the next.
type utf8Check struct {
	carry []byte
	bad   bool
}

// Write implements io.Writer; it never fails, Valid says the outcome.
func (u *utf8Check) Write(p []byte) (int, error) {
	if u.bad {
		return len(p), nil
	}
	data := p
	if len(u.carry) > 0 {
		data = append(u.carry, p...)
	}
	cut := len(data)
	// Find the start of the last character; if it is incomplete, keep it
	// for the next piece.
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(data[:cut]) {
		u.bad = true
		return len(p), nil
	}
	u.carry = append(u.carry[:0:0], data[cut:]...)
	return len(p), nil
}

// Valid reports whether everything written was valid UTF-8, ending on a
// whole character.
func (u *utf8Check) Valid() bool { return !u.bad && len(u.carry) == 0 }
