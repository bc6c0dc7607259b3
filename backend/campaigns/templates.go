package campaigns

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// Template fields a journey message may use, each with the most characters
// it renders to: values longer than that are cut (with an ellipsis), so a
// template that fits its limit with every field at its widest fits for
// every customer.
var templateFields = map[string]int{
	"first_name":  20,
	"make":        20,
	"model":       30,
	"months_left": 2,
	"dealer_name": 40,
	"end_date":    17, // "30 September 2027"
}

// personalFields may not appear where a lock screen or an inbox list shows
// them: push text and email subjects (PRODUCT: names and amounts never
// appear on a lock screen; the app shows them after the tap).
var personalFields = map[string]bool{"first_name": true}

// Length limits, in characters, of the rendered text.
const (
	maxPushTitle    = 50
	maxPushBody     = 120
	maxEmailSubject = 80
	maxEmailBody    = 2000
	maxDeepLink     = 200
)

var fieldPattern = regexp.MustCompile(`\{([^{}]*)\}`)

// deepLinkPattern is an app path: it starts with one slash (never "//",
// which a browser reads as another host) and uses URL path and query
// characters only.
var deepLinkPattern = regexp.MustCompile(`^/[A-Za-z0-9\-._~/?=&%]*$`)

// Trigger is one RULES C6 pattern: a cost figure that would make the text a
// credit promotion needing its full representative example.
type Trigger struct {
	Name    string
	Pattern *regexp.Regexp
}

// Triggers are RULES C6's patterns, case-insensitive and on word
// boundaries. "April", "Capri" and "100% electric" pass.
var Triggers = []Trigger{
	{"an amount of money", regexp.MustCompile(`(?i)[£€]\s?\d`)},
	{"a rate", regexp.MustCompile(`(?i)\d+(\.\d+)?\s?%\s*(apr|interest|rate|finance)\b`)},
	{"0%", regexp.MustCompile(`(?i)\b0%`)},
	{"APR", regexp.MustCompile(`(?i)\bAPR\b`)},
	{"per month", regexp.MustCompile(`(?i)\bper month\b`)},
	{"pcm", regexp.MustCompile(`(?i)\bpcm\b`)},
	{"deposit contribution", regexp.MustCompile(`(?i)\bdeposit contribution\b`)},
	{"cheaper", regexp.MustCompile(`(?i)\bcheaper\b`)},
	{"lower payments", regexp.MustCompile(`(?i)\blower (monthly )?payments?\b`)},
}

// LintTriggers returns a sentence for each RULES C6 trigger found in text,
// explaining why it may not be there; none means the text may be saved.
func LintTriggers(text string) []string {
	var out []string
	for _, t := range Triggers {
		if m := t.Pattern.FindString(text); m != "" {
			out = append(out, fmt.Sprintf("%q is %s, a cost figure that makes this message a credit promotion. Under CONC 3.5 (and FCA FG24/1) "+
				"each such figure needs the full representative example beside it, which a lock screen, a subject line or a link preview cannot show. "+
				"Leave figures to the app screen the message opens, where the example is shown in full (RULES C6).", m, t.Name))
		}
	}
	return out
}

// TemplateValues are the values of one customer's template fields.
type TemplateValues struct {
	FirstName  string
	Make       string
	Model      string
	MonthsLeft int
	DealerName string
	EndDate    string // YYYY-MM-DD
}

func (v TemplateValues) get(field string) string {
	switch field {
	case "first_name":
		return v.FirstName
	case "make":
		return v.Make
	case "model":
		return v.Model
	case "months_left":
		return strconv.Itoa(max(v.MonthsLeft, 0))
	case "dealer_name":
		if v.DealerName == "" {
			return "your dealer"
		}
		return v.DealerName
	case "end_date":
		if t, ok := validDate(v.EndDate); ok {
			return t.Format("2 January 2006")
		}
		return v.EndDate
	}
	return ""
}

// Render fills a template's fields, each cut to its widest (see
// templateFields). Unknown fields are left as they are; validation refuses
// them before a template is saved.
func Render(tmpl string, v TemplateValues) string {
	return fieldPattern.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		width, ok := templateFields[name]
		if !ok {
			return m
		}
		return cut(v.get(name), width)
	})
}

func cut(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// widest is how long a template renders at most.
func widest(tmpl string) int {
	n := utf8.RuneCountInString(fieldPattern.ReplaceAllString(tmpl, ""))
	for _, m := range fieldPattern.FindAllStringSubmatch(tmpl, -1) {
		n += templateFields[m[1]]
	}
	return n
}

// checkTemplate validates one template text: known fields only, no
// personal field where lockScreen, within limit at its widest, and no
// C6 trigger.
func checkTemplate(c *httpx.Check, field, text string, limit int, lockScreen, required bool) {
	if strings.TrimSpace(text) == "" {
		if required {
			c.Add(field, "required", "Write the text of this message.")
		}
		return
	}
	for _, m := range fieldPattern.FindAllStringSubmatch(text, -1) {
		name := m[1]
		if _, ok := templateFields[name]; !ok {
			c.Add(field, "unknown_field", fmt.Sprintf("{%s} is not a field. Use {first_name}, {make}, {model}, {months_left}, {dealer_name} or {end_date}.", name))
			continue
		}
		if lockScreen && personalFields[name] {
			c.Add(field, "personal_field", fmt.Sprintf("{%s} may not be used here: names never appear on a lock screen or in an inbox list. The app greets the customer by name after the tap.", name))
		}
	}
	if strings.ContainsAny(fieldPattern.ReplaceAllString(text, ""), "{}") {
		c.Add(field, "unknown_field", "A brace is not part of a field: write fields as {model}.")
	}
	if w := widest(text); w > limit {
		c.Add(field, "too_long", fmt.Sprintf("At most %d characters, counting each field at its longest; this can reach %d.", limit, w))
	}
	for _, msg := range LintTriggers(text) {
		c.Add(field, "trigger", msg)
	}
}

// validateStep checks one journey step; prefix is its JSON path.
func validateStep(c *httpx.Check, prefix string, s *StepInput) {
	f := func(name string) string { return prefix + name }
	switch s.Anchor {
	case AnchorEndDate:
		if s.OffsetDays < -730 || s.OffsetDays > 90 {
			c.Add(f("offset_days"), "out_of_range", "From the end date, use −730 to 90 days (negative is before the end).")
		}
	case AnchorEnrolment:
		if s.OffsetDays < 0 || s.OffsetDays > 730 {
			c.Add(f("offset_days"), "out_of_range", "From enrolment, use 0 to 730 days.")
		}
	default:
		c.Add(f("anchor"), "invalid", "Use end_date or enrolment.")
	}
	switch s.Channel {
	case ChannelPush:
		checkTemplate(c, f("title"), s.Title, maxPushTitle, true, true)
		checkTemplate(c, f("body"), s.Body, maxPushBody, true, true)
		if s.Subject != "" {
			c.Add(f("subject"), "not_allowed", "A push message has a title, not a subject.")
		}
	case ChannelEmail:
		checkTemplate(c, f("subject"), s.Subject, maxEmailSubject, true, true)
		// The body is read after opening, like the app, but this template
		// system cannot put the representative example beside a figure, so
		// the same lint applies.
		checkTemplate(c, f("body"), s.Body, maxEmailBody, false, true)
		if s.Title != "" {
			c.Add(f("title"), "not_allowed", "An email has a subject, not a title.")
		}
	default:
		c.Add(f("channel"), "invalid", "Use push or email.")
	}
	switch {
	case s.DeepLink == "":
		c.Add(f("deep_link"), "required", "Give the app path the message opens, like /offers.")
	case len(s.DeepLink) > maxDeepLink || !deepLinkPattern.MatchString(s.DeepLink) || strings.HasPrefix(s.DeepLink, "//"):
		c.Add(f("deep_link"), "invalid", "Use a path inside the app starting with one /, like /offers?campaign=spring.")
	}
}

// RenderedStep is a step as one customer would receive it.
type RenderedStep struct {
	Title    string `json:"title,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Body     string `json:"body"`
	DeepLink string `json:"deep_link"`
	// SendOn is the day the step falls due for this customer (the
	// journey runner may move it for quiet hours and caps).
	SendOn string `json:"send_on"`
}

// renderStep renders a step for one customer; enrolled is the enrolment
// day (today for a preview).
func renderStep(s StepInput, v TemplateValues, enrolled time.Time) RenderedStep {
	r := RenderedStep{Title: Render(s.Title, v), Subject: Render(s.Subject, v), Body: Render(s.Body, v), DeepLink: s.DeepLink}
	base := enrolled
	if s.Anchor == AnchorEndDate {
		if t, ok := validDate(v.EndDate); ok {
			base = t
		}
	}
	r.SendOn = base.AddDate(0, 0, s.OffsetDays).Format(time.DateOnly)
	return r
}
