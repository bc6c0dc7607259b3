package auth

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/keyturn/keyturn/backend/platform/mail"
)

// Emails are short, plain and carry no offers (RULES P4: service messages).
var (
	staffText = texttemplate.Must(texttemplate.New("staff").Parse(`Hello {{.Name}},

{{.Intro}}

{{.URL}}

{{.Expiry}} If you did not expect this email, you can ignore it.

Keyturn
`))
	staffHTML = htmltemplate.Must(htmltemplate.New("staff").Parse(`<!doctype html><html lang="en"><body style="font-family:sans-serif;font-size:16px;line-height:1.5">
<p>Hello {{.Name}},</p><p>{{.Intro}}</p>
<p><a href="{{.URL}}" style="display:inline-block;padding:12px 20px;background:#0b5394;color:#fff;text-decoration:none;border-radius:6px">{{.Button}}</a></p>
<p>{{.Expiry}} If you did not expect this email, you can ignore it.</p><p>Keyturn</p></body></html>`))
)

type linkEmail struct {
	Name, Intro, URL, Button, Expiry string
}

func render(subject string, data linkEmail) (mail.Message, error) {
	var t, h bytes.Buffer
	if err := staffText.Execute(&t, data); err != nil {
		return mail.Message{}, fmt.Errorf("auth: render email: %w", err)
	}
	if err := staffHTML.Execute(&h, data); err != nil {
		return mail.Message{}, fmt.Errorf("auth: render email: %w", err)
	}
	return mail.Message{Subject: subject, Text: t.String(), HTML: h.String()}, nil
}

func staffEmail(purpose, name, url string) (mail.Message, error) {
	switch purpose {
	case LinkInvite:
		return render("You have been invited to Keyturn", linkEmail{Name: name,
			Intro: "You have been given an account on Keyturn. Choose your password with this link:", URL: url,
			Button: "Choose your password", Expiry: "The link works once and expires in 7 days."})
	case LinkReset:
		return render("Reset your Keyturn password", linkEmail{Name: name,
			Intro: "Someone asked to reset the password of your Keyturn account. Choose a new password with this link:", URL: url,
			Button: "Choose a new password", Expiry: "The link works once and expires in 1 hour."})
	}
	return mail.Message{}, fmt.Errorf("auth: no email for link purpose %q", purpose)
}

func customerLinkEmail(financier, firstName, url string) (mail.Message, error) {
	return render("Your sign-in link for "+financier, linkEmail{Name: firstName,
		Intro: "Here is your link to see your agreement with " + financier + ". You will be asked for your date of birth and postcode.",
		URL:   url, Button: "Open my agreement", Expiry: "The link expires in 30 days."})
}
