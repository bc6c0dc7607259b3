package main

import (
	"fmt"
	"io"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// runVAPIDKeys prints a fresh VAPID key pair in the form the config takes.
func runVAPIDKeys(stdout, stderr io.Writer) int {
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		fmt.Fprintln(stderr, "keyturn vapid-keys:", err)
		return 1
	}
	fmt.Fprintf(stdout, "KEYTURN_VAPID_PUBLIC_KEY=%s\nKEYTURN_VAPID_PRIVATE_KEY=%s\n", pub, priv)
	return 0
}
