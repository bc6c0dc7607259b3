package tenants

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Auditor records staff changes to the dealer network.
type Auditor interface {
	RecordStaff(ctx context.Context, tx *gorm.DB, financierID, actorID int64, action, objectType, objectID string, fields []string, ip, requestID string) error
}

// Network manages a financier's dealer network: the groups and showrooms
// its customers are sent to.
type Network struct {
	DB    *db.DB
	Store Store
	Audit Auditor
	Now   func() time.Time
}

// LocationInput is a showroom as the admin edits it (and as one CSV row).
type LocationInput struct {
	Code           string  `json:"code"`
	DealerGroup    string  `json:"dealer_group"`
	Name           string  `json:"name"`
	AddressLine1   string  `json:"address_line1"`
	Town           string  `json:"town"`
	Region         string  `json:"region"`
	Postcode       string  `json:"postcode"`
	Latitude       float64 `json:"latitude"`
	Longitude      float64 `json:"longitude"`
	TimeZone       string  `json:"time_zone"`
	OpeningHours   string  `json:"opening_hours"` // "Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed"
	Phone          string  `json:"phone"`
	Email          string  `json:"email"`
	PrincipalName  string  `json:"principal_name"`
	PrincipalEmail string  `json:"principal_email"`
	PrincipalPhone string  `json:"principal_phone"`
}

// LocationDetail is a showroom as the network page shows it.
type LocationDetail struct {
	ID int64 `json:"id"`
	LocationInput
}

// GroupDetail is a dealer group with the locations of it in the network.
type GroupDetail struct {
	ID        int64            `json:"id"`
	Name      string           `json:"name"`
	Locations []LocationDetail `json:"locations"`
}

// List returns the financier's network, by group.
func (n *Network) List(ctx context.Context, sc tenant.Scope) ([]GroupDetail, error) {
	var ls []DealerLocation
	err := n.DB.Gorm.WithContext(ctx).
		Joins("JOIN financier_dealers fd ON fd.dealer_location_id = dealer_locations.id AND fd.financier_id = ?", sc.FinancierID).
		Order("dealer_locations.dealer_group_id, dealer_locations.code").Find(&ls).Error
	if err != nil {
		return nil, fmt.Errorf("tenants: list network: %w", err)
	}
	groups := []GroupDetail{}
	index := map[int64]int{}
	for _, l := range ls {
		i, ok := index[l.DealerGroupID]
		if !ok {
			g, err := n.Store.DealerGroup(ctx, l.DealerGroupID)
			if err != nil {
				return nil, err
			}
			groups = append(groups, GroupDetail{ID: g.ID, Name: g.Name, Locations: []LocationDetail{}})
			i = len(groups) - 1
			index[l.DealerGroupID] = i
		}
		groups[i].Locations = append(groups[i].Locations, detailOf(l, groups[i].Name))
	}
	return groups, nil
}

func detailOf(l DealerLocation, group string) LocationDetail {
	return LocationDetail{ID: l.ID, LocationInput: LocationInput{Code: l.Code, DealerGroup: group, Name: l.Name,
		AddressLine1: l.AddressLine1, Town: l.Town, Region: l.Region, Postcode: l.Postcode, Latitude: l.Latitude,
		Longitude: l.Longitude, TimeZone: l.TimeZone, OpeningHours: FormatHours(l.OpeningHours), Phone: l.Phone,
		Email: l.Email, PrincipalName: l.PrincipalName, PrincipalEmail: l.PrincipalEmail, PrincipalPhone: l.PrincipalPhone}}
}

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,19}$`)

// validate checks one location and returns its opening hours as JSON.
func (in *LocationInput) validate(prefix string) (string, []httpx.FieldError) {
	var errs []httpx.FieldError
	add := func(field, code, msg string) {
		errs = append(errs, httpx.FieldError{Field: prefix + field, Code: code, Message: msg})
	}
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	if !codePattern.MatchString(in.Code) {
		add("code", "format", "Use 2–20 letters, digits or dashes, like DLR016.")
	}
	for field, v := range map[string]*string{"dealer_group": &in.DealerGroup, "name": &in.Name, "address_line1": &in.AddressLine1, "town": &in.Town, "postcode": &in.Postcode} {
		*v = strings.TrimSpace(*v)
		if *v == "" || len(*v) > 200 {
			add(field, "required", "This field is required (at most 200 characters).")
		}
	}
	if in.TimeZone == "" {
		in.TimeZone = "Europe/London"
	}
	if _, err := time.LoadLocation(in.TimeZone); err != nil {
		add("time_zone", "format", "Use a time zone name like Europe/London or Europe/Dublin.")
	}
	if math.Abs(in.Latitude) > 90 || math.Abs(in.Longitude) > 180 || (in.Latitude == 0 && in.Longitude == 0) {
		add("latitude", "range", "Give the showroom's coordinates (latitude −90..90, longitude −180..180).")
	}
	for field, v := range map[string]string{"email": in.Email, "principal_email": in.PrincipalEmail} {
		if v != "" && !strings.Contains(v, "@") {
			add(field, "format", "Enter an email address like name@example.com.")
		}
	}
	hours, err := ParseHours(in.OpeningHours)
	if err != nil {
		add("opening_hours", "format", err.Error())
	}
	slices.SortFunc(errs, func(a, b httpx.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return hours, errs
}

// Save creates or updates a showroom by its code and puts it in the
// financier's network. It reports whether anything changed.
func (n *Network) Save(ctx context.Context, sc tenant.Scope, actorID int64, in LocationInput, ip, requestID string) (LocationDetail, error) {
	hours, errs := in.validate("")
	if len(errs) > 0 {
		return LocationDetail{}, httpx.Validation("The showroom has invalid fields.", errs...)
	}
	var out LocationDetail
	err := n.DB.Tx(ctx, func(tx *gorm.DB) error {
		l, _, err := n.upsert(ctx, tx, sc, actorID, in, hours, ip, requestID)
		out = detailOf(l, in.DealerGroup)
		return err
	})
	return out, err
}

// Update edits a showroom already in the financier's network; one outside
// it is not found.
func (n *Network) Update(ctx context.Context, sc tenant.Scope, actorID, id int64, in LocationInput, ip, requestID string) (LocationDetail, error) {
	var l DealerLocation
	err := n.DB.Gorm.WithContext(ctx).
		Joins("JOIN financier_dealers fd ON fd.dealer_location_id = dealer_locations.id AND fd.financier_id = ?", sc.FinancierID).
		Where("dealer_locations.id = ?", id).Take(&l).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LocationDetail{}, db.ErrNotFound
	}
	if err != nil {
		return LocationDetail{}, fmt.Errorf("tenants: location in network: %w", err)
	}
	if in.Code != "" && !strings.EqualFold(strings.TrimSpace(in.Code), l.Code) {
		return LocationDetail{}, httpx.Validation("A showroom's code cannot change.", httpx.FieldError{Field: "code", Code: "immutable", Message: "Create a new showroom for a new code."})
	}
	in.Code = l.Code
	return n.Save(ctx, sc, actorID, in, ip, requestID)
}

// Remove takes a showroom out of the financier's network (the showroom
// itself stays: other financiers may use it).
func (n *Network) Remove(ctx context.Context, sc tenant.Scope, actorID, id int64, ip, requestID string) error {
	return n.DB.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.WithContext(ctx).Where("financier_id = ? AND dealer_location_id = ?", sc.FinancierID, id).Delete(&FinancierDealer{})
		if res.Error != nil {
			return fmt.Errorf("tenants: remove from network: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return db.ErrNotFound
		}
		return n.Audit.RecordStaff(ctx, tx, sc.FinancierID, actorID, "dealer_network.removed", "dealer_location", strconv.FormatInt(id, 10), nil, ip, requestID)
	})
}

func (n *Network) upsert(ctx context.Context, tx *gorm.DB, sc tenant.Scope, actorID int64, in LocationInput, hours, ip, requestID string) (DealerLocation, string, error) {
	now := n.Now().UTC()
	var g DealerGroup
	err := tx.WithContext(ctx).Where("name = ?", in.DealerGroup).Take(&g).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		g = DealerGroup{Name: in.DealerGroup, CreatedAt: now, UpdatedAt: now}
		if err := tx.WithContext(ctx).Create(&g).Error; err != nil {
			return DealerLocation{}, "", fmt.Errorf("tenants: create dealer group: %w", err)
		}
	} else if err != nil {
		return DealerLocation{}, "", fmt.Errorf("tenants: dealer group: %w", err)
	}
	want := DealerLocation{DealerGroupID: g.ID, Code: in.Code, Name: in.Name, AddressLine1: in.AddressLine1, Town: in.Town,
		Region: strings.TrimSpace(in.Region), Postcode: strings.ToUpper(in.Postcode), Latitude: in.Latitude, Longitude: in.Longitude,
		TimeZone: in.TimeZone, OpeningHours: hours, Phone: strings.TrimSpace(in.Phone), Email: strings.TrimSpace(in.Email),
		PrincipalName: strings.TrimSpace(in.PrincipalName), PrincipalEmail: strings.TrimSpace(in.PrincipalEmail),
		PrincipalPhone: strings.TrimSpace(in.PrincipalPhone)}
	var cur DealerLocation
	err = tx.WithContext(ctx).Where("code = ?", in.Code).Take(&cur).Error
	outcome := "unchanged"
	var fields []string
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		want.CreatedAt, want.UpdatedAt = now, now
		if err := tx.WithContext(ctx).Create(&want).Error; err != nil {
			return DealerLocation{}, "", fmt.Errorf("tenants: create location: %w", err)
		}
		cur, outcome, fields = want, "inserted", []string{"code", "name", "address", "opening_hours", "principal"}
	case err != nil:
		return DealerLocation{}, "", fmt.Errorf("tenants: location by code: %w", err)
	default:
		fields = changedFields(cur, want)
		if len(fields) > 0 {
			want.ID, want.CreatedAt, want.UpdatedAt = cur.ID, cur.CreatedAt, now
			if err := tx.WithContext(ctx).Save(&want).Error; err != nil {
				return DealerLocation{}, "", fmt.Errorf("tenants: update location: %w", err)
			}
			cur, outcome = want, "updated"
		}
	}
	link := FinancierDealer{FinancierID: sc.FinancierID, DealerLocationID: cur.ID, CreatedAt: now}
	res := tx.WithContext(ctx).Where("financier_id = ? AND dealer_location_id = ?", sc.FinancierID, cur.ID).FirstOrCreate(&link)
	if res.Error != nil {
		return DealerLocation{}, "", fmt.Errorf("tenants: add to network: %w", res.Error)
	}
	if res.RowsAffected == 1 && outcome == "unchanged" {
		outcome, fields = "updated", []string{"network"}
	}
	if outcome != "unchanged" {
		if err := n.Audit.RecordStaff(ctx, tx, sc.FinancierID, actorID, "dealer_network."+outcome, "dealer_location",
			strconv.FormatInt(cur.ID, 10), fields, ip, requestID); err != nil {
			return DealerLocation{}, "", err
		}
	}
	return cur, outcome, nil
}

func changedFields(a, b DealerLocation) []string {
	var f []string
	pairs := []struct {
		name string
		same bool
	}{
		{"dealer_group", a.DealerGroupID == b.DealerGroupID}, {"name", a.Name == b.Name},
		{"address_line1", a.AddressLine1 == b.AddressLine1}, {"town", a.Town == b.Town}, {"region", a.Region == b.Region},
		{"postcode", a.Postcode == b.Postcode}, {"coordinates", a.Latitude == b.Latitude && a.Longitude == b.Longitude},
		{"time_zone", a.TimeZone == b.TimeZone}, {"opening_hours", a.OpeningHours == b.OpeningHours},
		{"phone", a.Phone == b.Phone}, {"email", a.Email == b.Email},
		{"principal", a.PrincipalName == b.PrincipalName && a.PrincipalEmail == b.PrincipalEmail && a.PrincipalPhone == b.PrincipalPhone},
	}
	for _, p := range pairs {
		if !p.same {
			f = append(f, p.name)
		}
	}
	return f
}

// CSVHeader is the dealer network file's header, in order.
var CSVHeader = []string{"code", "dealer_group", "name", "address_line1", "town", "region", "postcode", "latitude", "longitude",
	"time_zone", "opening_hours", "phone", "email", "principal_name", "principal_email", "principal_phone"}

// maxNetworkRows bounds a dealer network file: networks have hundreds of
// showrooms, not millions.
const maxNetworkRows = 5000

// LineError is a rejected row of a network file.
type LineError struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// ImportSummary says what a network file changed.
type ImportSummary struct {
	Rows      int         `json:"rows"`
	Inserted  int         `json:"inserted"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Rejected  []LineError `json:"rejected"`
}

// Import loads a dealer network CSV. Good rows are applied, bad rows are
// reported with their line; a file with the wrong header changes nothing.
func (n *Network) Import(ctx context.Context, sc tenant.Scope, actorID int64, r io.Reader, ip, requestID string) (ImportSummary, error) {
	sum := ImportSummary{Rejected: []LineError{}}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return sum, httpx.Validation("The file is empty or not CSV.", httpx.FieldError{Field: "file", Code: "format", Message: "Upload a CSV file with the header row from the template."})
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.ToLower(header[i]))
	}
	if !slices.Equal(header, CSVHeader) {
		return sum, httpx.Validation("The header row is not the dealer network template's.", httpx.FieldError{Field: "file", Code: "header",
			Message: "The first row must be: " + strings.Join(CSVHeader, ",")})
	}
	err = n.DB.Tx(ctx, func(tx *gorm.DB) error {
		for line := 2; ; line++ {
			rec, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if sum.Rows++; sum.Rows > maxNetworkRows {
				return httpx.Validation("The file has too many rows.", httpx.FieldError{Field: "file", Code: "too_large", Message: fmt.Sprintf("At most %d showrooms per file.", maxNetworkRows)})
			}
			if err != nil || len(rec) != len(CSVHeader) {
				sum.Rejected = append(sum.Rejected, LineError{Line: line, Message: fmt.Sprintf("This row needs %d columns.", len(CSVHeader))})
				continue
			}
			in, bad := rowInput(rec)
			hours, errs := in.validate("")
			if bad != "" {
				errs = append([]httpx.FieldError{{Field: bad, Message: "Enter a number, like 53.8036."}}, errs...)
			}
			if len(errs) > 0 {
				sum.Rejected = append(sum.Rejected, LineError{Line: line, Column: errs[0].Field, Message: errs[0].Message})
				continue
			}
			_, outcome, err := n.upsert(ctx, tx, sc, actorID, in, hours, ip, requestID)
			if err != nil {
				return err
			}
			switch outcome {
			case "inserted":
				sum.Inserted++
			case "updated":
				sum.Updated++
			default:
				sum.Unchanged++
			}
		}
	})
	return sum, err
}

func rowInput(rec []string) (LocationInput, string) {
	get := func(name string) string { return strings.TrimSpace(rec[slices.Index(CSVHeader, name)]) }
	lat, err1 := strconv.ParseFloat(get("latitude"), 64)
	lon, err2 := strconv.ParseFloat(get("longitude"), 64)
	bad := ""
	if err1 != nil {
		bad = "latitude"
	} else if err2 != nil {
		bad = "longitude"
	}
	return LocationInput{Code: get("code"), DealerGroup: get("dealer_group"), Name: get("name"), AddressLine1: get("address_line1"),
		Town: get("town"), Region: get("region"), Postcode: get("postcode"), Latitude: lat, Longitude: lon, TimeZone: get("time_zone"),
		OpeningHours: get("opening_hours"), Phone: get("phone"), Email: get("email"), PrincipalName: get("principal_name"),
		PrincipalEmail: get("principal_email"), PrincipalPhone: get("principal_phone")}, bad
}

// Template is the dealer network CSV template with one example row.
func Template() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(CSVHeader)
	_ = w.Write([]string{"DLR016", "Example Motor Group", "Example Motors Leeds", "1 Example Street", "Leeds", "Yorkshire and the Humber",
		"LS1 4AP", "53.7997", "-1.5492", "Europe/London", "Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed",
		"0113 496 0999", "leeds@example.com", "Alex Example", "alex@example.com", "0113 496 0998"})
	w.Flush()
	return b.Bytes()
}

var days = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

var hoursPart = regexp.MustCompile(`^(?i)(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+(closed|(\d{2}:\d{2})-(\d{2}:\d{2}))$`)

// ParseHours reads "Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed" into
// the stored JSON form ({"mon":[["09:00","18:00"]],...}). Days not named are
// closed.
func ParseHours(s string) (string, error) {
	out := map[string][][2]string{}
	for _, d := range days {
		out[d] = [][2]string{}
	}
	if strings.TrimSpace(s) == "" {
		return "", errors.New("Give the opening hours, like: Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed.")
	}
	for _, part := range strings.Split(s, ";") {
		m := hoursPart.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return "", fmt.Errorf("Could not read %q: write each part like Mon-Fri 09:00-18:00 or Sun closed.", strings.TrimSpace(part))
		}
		from := slices.Index(days, strings.ToLower(m[1]))
		to := from
		if m[2] != "" {
			to = slices.Index(days, strings.ToLower(m[2]))
		}
		if to < from {
			return "", fmt.Errorf("In %q the days run backwards.", strings.TrimSpace(part))
		}
		closed := strings.EqualFold(m[3], "closed")
		if !closed {
			open, err1 := time.Parse("15:04", m[4])
			close, err2 := time.Parse("15:04", m[5])
			if err1 != nil || err2 != nil || !open.Before(close) {
				return "", fmt.Errorf("In %q the times are not a valid opening and closing time.", strings.TrimSpace(part))
			}
		}
		for d := from; d <= to; d++ {
			if closed {
				out[days[d]] = [][2]string{}
			} else {
				out[days[d]] = append(out[days[d]], [2]string{m[4], m[5]})
			}
		}
	}
	raw, err := json.Marshal(out)
	return string(raw), err
}

// FormatHours turns the stored JSON back into the one-line form, grouping
// consecutive days with the same hours.
func FormatHours(stored string) string {
	var h map[string][][2]string
	if json.Unmarshal([]byte(stored), &h) != nil {
		return ""
	}
	text := func(d string) string {
		if len(h[d]) == 0 {
			return "closed"
		}
		parts := make([]string, len(h[d]))
		for i, p := range h[d] {
			parts[i] = p[0] + "-" + p[1]
		}
		return strings.Join(parts, ", ")
	}
	var out []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && text(days[j+1]) == text(days[i]) {
			j++
		}
		name := strings.ToUpper(days[i][:1]) + days[i][1:]
		if j > i {
			name += "-" + strings.ToUpper(days[j][:1]) + days[j][1:]
		}
		t := text(days[i])
		if strings.Contains(t, ", ") {
			for _, p := range strings.Split(t, ", ") {
				out = append(out, name+" "+p)
			}
		} else {
			out = append(out, name+" "+t)
		}
		i = j + 1
	}
	return strings.Join(out, "; ")
}
