package demo

import (
	"fmt"
	"testing"
)

func TestTmpDump(t *testing.T) {
	p, err := buildPlan(seedTime, quote)
	if err != nil {
		t.Fatal(err)
	}
	pos, neg, unk := 0, 0, 0
	for i, c := range p.customers {
		for _, a := range c.agreements {
			ag, v := a.agreement, a.vehicle
			if ag.Product == "pcp" && ag.Status == "active" {
				if v.Valuation == nil {
					unk++
				} else if *v.Valuation > *ag.OptionalFinalPayment {
					pos++
				} else {
					neg++
				}
			}
			if i < 25 || i >= 500 {
				val, ofp, mil := "-", "-", "-"
				if v.Valuation != nil {
					val = fmt.Sprint(*v.Valuation / 100)
				}
				if ag.OptionalFinalPayment != nil {
					ofp = fmt.Sprint(*ag.OptionalFinalPayment / 100)
				}
				if v.CurrentMileage != nil {
					mil = fmt.Sprint(*v.CurrentMileage)
				}
				fmt.Printf("%s %-10s %-8s %-9s %-22s %s %s %s | %s %s %s %s %dm dep=%d mo=%d ofp=%s val=%s miles=%s %s arr=%v\n",
					c.customer.CustomerRef, c.customer.FirstName, c.customer.LastName, c.customer.Postcode, c.customer.Email, c.customer.Mobile, c.customer.DateOfBirth, a.dealer,
					ag.AgreementNumber, ag.Product, ag.StartDate, ag.EndDate, ag.TermMonths, ag.Deposit/100, ag.MonthlyPayment/100, ofp, val, mil,
					v.Make+" "+v.Model+" "+v.Derivative+" "+v.Registration+" "+v.FirstRegistered, ag.InArrears)
			}
		}
	}
	fmt.Println("pcp equity pos", pos, "neg", neg, "unknown", unk)
	for _, l := range p.locations {
		fmt.Println(l.loc.Code, l.loc.Name, l.loc.Phone, l.loc.Email, l.loc.PrincipalName, l.loc.PrincipalEmail, l.loc.PrincipalPhone, l.loc.OpeningHours)
	}
}
