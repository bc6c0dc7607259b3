package httpx

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFileName(t *testing.T) {
	require.Equal(t, "passwd", FileName("../../etc/passwd"))
	require.Equal(t, "car.jpg", FileName(`C:\Users\me\car.jpg`))
	require.Equal(t, "evil.jpg", FileName("ev\r\nil\x00.jpg"))
	require.Equal(t, "upload", FileName(""))
	require.Equal(t, "upload", FileName("dir/"))
	long := FileName(strings.Repeat("é", 300))
	require.Equal(t, 200, len([]rune(long)))
}
