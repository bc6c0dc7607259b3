package httpx

// FileName keeps the last path element of an uploaded file's name,
// printable and at most 200 characters ("upload" when nothing is left). It
// is shown to staff and written to the audit log, never used as a path.
func FileName(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		switch {
		case r == '/' || r == '\\':
			out = out[:0]
		case r < 0x20 || r == 0x7f || r == 0xFFFD || (r >= 0x80 && r < 0xa0):
		default:
			out = append(out, r)
		}
	}
	if len(out) > 200 {
		out = out[:200]
	}
	if len(out) == 0 {
		return "upload"
	}
	return string(out)
}
