package campaigns

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

func TestLintTriggers(t *testing.T) {
	pass := []string{
		"Your agreement ends in April",
		"The new Ford Capri is here",
		"100% electric, zero tailpipe emissions",
		"Book a test drive at Kestrel Leeds",
		"Ends in 3 months",
		"See your options",
		"Lowering your costs is our aim", // not "lower payments"
		"apricot",
		"20% more range",
	}
	for _, s := range pass {
		require.Empty(t, LintTriggers(s), s)
	}
	fail := map[string]string{
		"Only £199 a month":                    "an amount of money",
		"From € 99":                            "an amount of money",
		"Finance from 4.9% APR":                "a rate",
		"6.9 % interest":                       "a rate",
		"0% finance on the Puma":               "0%",
		"Low APR deals":                        "APR",
		"apr deals":                            "APR",
		"Pay less per month":                   "per month",
		"Only 199 PCM":                         "pcm",
		"£1,000 deposit contribution":          "deposit contribution",
		"A Deposit Contribution is waiting":    "deposit contribution",
		"Cheaper than you think":               "cheaper",
		"Lower payments on a new car":          "lower payments",
		"Enjoy lower monthly payment":          "lower payments",
		"Rates from 3.9%finance":               "a rate",
		"Switch now: 0% and no fees":           "0%",
		"Price: £20k":                          "an amount of money",
		"Upgrade for lower monthly payments!":  "lower payments",
		"Representative 9.9%  rate":            "a rate",
		"Chat to us about your payments (APR)": "APR",
	}
	for s, name := range fail {
		msgs := LintTriggers(s)
		require.NotEmpty(t, msgs, s)
		joined := strings.Join(msgs, " ")
		require.Contains(t, joined, name, s)
		require.Contains(t, joined, "CONC 3.5", "the refusal says why")
		require.Contains(t, joined, "representative example")
	}
}

func TestRender(t *testing.T) {
	v := TemplateValues{FirstName: "Bartholomew-Alexander the Third", Make: "Ford", Model: "Puma", MonthsLeft: 4,
		DealerName: "", EndDate: "2027-03-23"}
	require.Equal(t, "Hi Bartholomew-Alexand…, your Ford Puma ends on 23 March 2027 (4 months). Visit your dealer.",
		Render("Hi {first_name}, your {make} {model} ends on {end_date} ({months_left} months). Visit {dealer_name}.", v))
	v.MonthsLeft = -2
	require.Equal(t, "0 {unknown}", Render("{months_left} {unknown}", v))
	require.Equal(t, len("Hello")+20+30, widest("Hello{make}{model}"))

	r := renderStep(StepInput{Anchor: AnchorEndDate, OffsetDays: -90, Title: "{model}"}, v, testNow)
	require.Equal(t, "2026-12-23", r.SendOn)
	r = renderStep(StepInput{Anchor: AnchorEnrolment, OffsetDays: 7}, v, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	require.Equal(t, "2026-11-30", r.SendOn)
}

func TestValidateStep(t *testing.T) {
	fields := func(s StepInput) map[string]string {
		t.Helper()
		var c httpx.Check
		validateStep(&c, "", &s)
		out := map[string]string{}
		if err := c.Err(); err != nil {
			for _, e := range err.(*httpx.Problem).Errors {
				out[e.Field] = e.Code
			}
		}
		return out
	}
	ok := StepInput{Anchor: AnchorEndDate, OffsetDays: -90, Channel: ChannelPush, Title: "Your {model}", Body: "Ends in {months_left} months", DeepLink: "/offers?c=1"}
	require.Empty(t, fields(ok))

	s := ok
	s.Title = "Hi {first_name}"
	require.Equal(t, map[string]string{"title": "personal_field"}, fields(s), "names never on a lock screen")
	s = ok
	s.Body = "Your {colour} car"
	require.Equal(t, map[string]string{"body": "unknown_field"}, fields(s))
	s = ok
	s.Body = "Stray { brace"
	require.Equal(t, map[string]string{"body": "unknown_field"}, fields(s))
	s = ok
	s.Title = strings.Repeat("x", 51)
	require.Equal(t, map[string]string{"title": "too_long"}, fields(s))
	s = ok
	s.Title = strings.Repeat("x", 20) + "{model}" // 20 + 30 = 50: fits
	require.Empty(t, fields(s))
	s.Title += "!"
	require.Equal(t, map[string]string{"title": "too_long"}, fields(s), "fields count at their widest")
	s = ok
	s.Body = strings.Repeat("y", 121)
	require.Equal(t, map[string]string{"body": "too_long"}, fields(s))
	s = ok
	s.Body = "Only £199 per month"
	require.Equal(t, map[string]string{"body": "trigger"}, fields(s))
	s = ok
	s.Subject = "x"
	require.Equal(t, map[string]string{"subject": "not_allowed"}, fields(s))
	for _, link := range []string{"", "https://evil.example/", "//evil.example", "offers", "/offers<script>"} {
		s = ok
		s.DeepLink = link
		require.Contains(t, fields(s), "deep_link", link)
	}
	s = ok
	s.OffsetDays = -800
	require.Equal(t, map[string]string{"offset_days": "out_of_range"}, fields(s))
	s = ok
	s.Anchor, s.OffsetDays = AnchorEnrolment, -1
	require.Equal(t, map[string]string{"offset_days": "out_of_range"}, fields(s))
	s = ok
	s.Anchor, s.Channel = "birthday", "sms"
	require.Equal(t, map[string]string{"anchor": "invalid", "channel": "invalid"}, fields(s))

	email := StepInput{Anchor: AnchorEndDate, OffsetDays: -60, Channel: ChannelEmail, Subject: "Your {make} {model}",
		Body: "Hi {first_name}, your agreement ends on {end_date}.", DeepLink: "/offers"}
	require.Empty(t, fields(email), "a name may be in an email body")
	email.Subject = "{first_name}, it's time"
	require.Equal(t, map[string]string{"subject": "personal_field"}, fields(email))
	email.Subject = strings.Repeat("s", 81)
	require.Equal(t, map[string]string{"subject": "too_long"}, fields(email))
	email.Subject, email.Title = "Fine", "x"
	require.Equal(t, map[string]string{"title": "not_allowed"}, fields(email))
	email.Title, email.Body = "", "Save with a £500 deposit contribution"
	require.Equal(t, map[string]string{"body": "trigger"}, fields(email))
}
