package app

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/demo"
	"github.com/keyturn/keyturn/backend/tenants"
)

func TestDealerNetworkAdmin(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		admin, _ := h.staffSession(demo.AdminEmail)
		marketer, _ := h.staffSession(demo.MarketerEmail)
		ie, _ := h.staffSession(demo.IrishMarketerEmail)

		r := h.do(call{method: "GET", path: "/api/v1/dealer-network", token: marketer})
		require.Equal(t, 200, r.status, string(r.raw))
		groups := r.body["groups"].([]any)
		require.Len(t, groups, 3)
		n := 0
		for _, g := range groups {
			n += len(g.(map[string]any)["locations"].([]any))
		}
		require.Equal(t, 15, n)

		r = h.do(call{method: "GET", path: "/api/v1/dealer-network", token: ie})
		require.Equal(t, 200, r.status)
		require.Len(t, r.body["groups"].([]any), 1, "demo-ie's network is its own")

		// A marketer may read but not change the network.
		loc := map[string]any{"code": "dlr016", "dealer_group": "Kestrel Motor Group", "name": "Kestrel Wakefield",
			"address_line1": "1 Denby Dale Road", "town": "Wakefield", "region": "Yorkshire and the Humber", "postcode": "WF1 1HR",
			"latitude": 53.68, "longitude": -1.50, "time_zone": "Europe/London", "opening_hours": "Mon-Fri 09:00-18:00; Sat 09:00-17:00",
			"phone": "01632 960116", "email": "wakefield@kestrel-motors.example", "principal_name": "", "principal_email": "", "principal_phone": ""}
		require.Equal(t, 403, h.do(call{method: "POST", path: "/api/v1/dealer-network/locations", token: marketer, body: loc}).status)

		r = h.do(call{method: "POST", path: "/api/v1/dealer-network/locations", token: admin, body: loc})
		require.Equal(t, 201, r.status, string(r.raw))
		require.Equal(t, "DLR016", r.body["code"])
		require.Equal(t, "Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed", r.body["opening_hours"])
		id := int64(r.body["id"].(float64))

		bad := map[string]any{}
		for k, v := range loc {
			bad[k] = v
		}
		bad["opening_hours"] = "weekdays 9 to 5"
		bad["postcode"] = ""
		r = h.do(call{method: "PUT", path: fmt.Sprintf("/api/v1/dealer-network/locations/%d", id), token: admin, body: bad})
		require.Equal(t, 422, r.status)
		require.Len(t, r.body["errors"].([]any), 2)

		csv := "code,dealer_group,name,address_line1,town,region,postcode,latitude,longitude,time_zone,opening_hours,phone,email,principal_name,principal_email,principal_phone\n" +
			"DLR016,Kestrel Motor Group,Kestrel Wakefield,1 Denby Dale Road,Wakefield,Yorkshire and the Humber,WF1 1HR,53.68,-1.50,Europe/London,Mon-Fri 09:00-18:00; Sat 09:00-17:00,01632 960116,wakefield@kestrel-motors.example,,,\n" +
			"DLR017,New Group,New Motors Hull,2 Anlaby Road,Hull,Yorkshire and the Humber,HU3 2JS,53.74,-0.35,Europe/London,Mon-Sat 08:30-17:30,01632 960117,,,,\n" +
			"DLR018,New Group,Bad Row,3 Road,Hull,,HU1 1AA,north,-0.35,Europe/London,Mon-Fri 09:00-17:00,,,,,\n"
		r = h.do(call{method: "POST", path: "/api/v1/dealer-network/import", token: admin, body: []byte(csv), header: map[string]string{"Content-Type": "text/csv"}})
		require.Equal(t, 200, r.status, string(r.raw))
		require.EqualValues(t, 3, r.body["rows"])
		require.EqualValues(t, 1, r.body["inserted"])
		require.EqualValues(t, 1, r.body["unchanged"])
		rej := r.body["rejected"].([]any)
		require.Len(t, rej, 1)
		require.EqualValues(t, 4, rej[0].(map[string]any)["line"])
		require.Equal(t, "latitude", rej[0].(map[string]any)["column"])

		r = h.do(call{method: "POST", path: "/api/v1/dealer-network/import", token: admin, body: []byte("name,town\nx,y\n"), header: map[string]string{"Content-Type": "text/csv"}})
		require.Equal(t, 422, r.status, "a file with the wrong header changes nothing")

		require.Equal(t, 204, h.do(call{method: "DELETE", path: fmt.Sprintf("/api/v1/dealer-network/locations/%d", id), token: admin}).status)
		require.Equal(t, 404, h.do(call{method: "DELETE", path: fmt.Sprintf("/api/v1/dealer-network/locations/%d", id), token: admin}).status)

		var audits int64
		require.NoError(t, h.app.DB.Gorm.Table("audit_log").Where("action LIKE ?", "dealer_network.%").Count(&audits).Error)
		require.EqualValues(t, 3, audits, "inserted, inserted by file, removed")
	})
}

func TestOpeningHoursRoundTrip(t *testing.T) {
	for _, in := range []string{"Mon-Fri 09:00-18:00; Sat 09:00-17:00; Sun closed", "Mon-Sun 08:00-20:00", "Mon 09:00-12:00; Mon 13:00-17:00; Tue-Sun closed"} {
		j, err := tenants.ParseHours(in)
		require.NoError(t, err)
		j2, err := tenants.ParseHours(tenants.FormatHours(j))
		require.NoError(t, err)
		require.JSONEq(t, j, j2, in)
	}
	for _, bad := range []string{"", "Fri-Mon 09:00-17:00", "Mon 18:00-09:00", "Mon 9-5"} {
		_, err := tenants.ParseHours(bad)
		require.Error(t, err, bad)
	}
}
