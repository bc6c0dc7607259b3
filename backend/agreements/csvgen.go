package agreements

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/keyturn/keyturn/backend/finance"
)

// GenOptions says what file Generate writes.
type GenOptions struct {
	// Rows is the number of agreements (data rows).
	Rows int
	// Seed makes the file reproducible: the same seed and AsOf give the same
	// bytes.
	Seed uint64
	// AsOf is the day the file is "exported": agreements are live around it
	// and settlement figures are worked out on it.
	AsOf time.Time
}

// Generate writes a realistic agreements file of the import format (the 33
// Columns, in order) for tests and benchmarks: fictional UK customers with
// reserved email domains and Ofcom's drama phone numbers, a mix of PCP, HP
// and PCH on popular cars, one in seven customers with a second agreement,
// and payments, credit and APRs priced by the finance engine. Half the live
// credit agreements carry the financier's settlement figure (worked out by
// the engine), the rest leave it to the importer. It streams: memory does
// not grow with Rows.
func Generate(w io.Writer, opt GenOptions) error {
	if opt.Rows < 0 {
		return errors.New("agreements: generate: rows must not be negative")
	}
	g, err := newGenerator(opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("agreements: generate: %w", err)
	}
	rec := make([]string, len(Columns))
	for i := 0; i < opt.Rows; {
		c := g.customer()
		n := 1
		if g.r.IntN(7) == 0 {
			n = 2
		}
		for k := 0; k < n && i < opt.Rows; k++ {
			g.agreement(c, rec)
			if err := cw.Write(rec); err != nil {
				return fmt.Errorf("agreements: generate: %w", err)
			}
			i++
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("agreements: generate: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("agreements: generate: %w", err)
	}
	return nil
}

type genModel struct {
	make, model string
	derivatives []string
	price       int64 // new, in pence
}

var genModels = []genModel{
	{"Ford", "Puma", []string{"1.0 EcoBoost Titanium", "1.0 EcoBoost ST-Line", "1.0 EcoBoost ST-Line X"}, 26_500_00},
	{"Ford", "Kuga", []string{"1.5 EcoBoost Titanium", "2.5 PHEV ST-Line"}, 33_900_00},
	{"Ford", "Focus", []string{"1.0 EcoBoost Titanium", "1.0 EcoBoost ST-Line"}, 27_200_00},
	{"Vauxhall", "Corsa", []string{"1.2 Design", "1.2 GS", "Electric Griffin"}, 19_600_00},
	{"Vauxhall", "Mokka", []string{"1.2 Turbo Design", "1.2 Turbo Ultimate"}, 25_400_00},
	{"Volkswagen", "Polo", []string{"1.0 TSI Life", "1.0 TSI R-Line"}, 21_300_00},
	{"Volkswagen", "Golf", []string{"1.5 TSI Life", "1.5 eTSI Style", "2.0 TDI R-Line"}, 28_900_00},
	{"Volkswagen", "T-Roc", []string{"1.0 TSI Life", "1.5 TSI R-Line"}, 29_100_00},
	{"Volkswagen", "Tiguan", []string{"1.5 eTSI Life", "2.0 TDI Elegance"}, 36_800_00},
	{"Nissan", "Qashqai", []string{"1.3 DiG-T Acenta Premium", "1.5 e-Power N-Connecta"}, 30_500_00},
	{"Nissan", "Juke", []string{"1.0 DiG-T N-Connecta", "1.6 Hybrid Tekna"}, 23_800_00},
	{"Kia", "Sportage", []string{"1.6 T-GDi 3", "1.6 T-GDi HEV GT-Line"}, 31_400_00},
	{"Kia", "Niro", []string{"1.6 HEV 2", "EV 4"}, 30_200_00},
	{"Hyundai", "Tucson", []string{"1.6 T-GDi Premium", "1.6 T-GDi HEV N Line"}, 33_100_00},
	{"Toyota", "Yaris", []string{"1.5 Hybrid Design", "1.5 Hybrid Excel"}, 22_700_00},
	{"Toyota", "Corolla", []string{"1.8 Hybrid Design", "2.0 Hybrid GR Sport"}, 30_900_00},
	{"Toyota", "C-HR", []string{"1.8 Hybrid Icon", "2.0 PHEV GR Sport"}, 33_300_00},
	{"MG", "ZS", []string{"1.5 VTi-TECH SE", "1.0T Exclusive"}, 19_500_00},
	{"MG", "MG4", []string{"SE Long Range", "Trophy Extended Range"}, 26_900_00},
	{"BMW", "1 Series", []string{"118i Sport", "120 M Sport"}, 31_600_00},
	{"BMW", "X1", []string{"sDrive18i xLine", "xDrive23d M Sport"}, 40_100_00},
	{"Mercedes-Benz", "A-Class", []string{"A 180 Sport Executive", "A 200 AMG Line"}, 33_200_00},
	{"Audi", "A3", []string{"Sportback 30 TFSI Sport", "Sportback 35 TFSI S line"}, 30_800_00},
	{"Skoda", "Octavia", []string{"1.5 TSI SE L", "2.0 TDI SE Technology"}, 28_400_00},
	{"Peugeot", "2008", []string{"1.2 PureTech Active", "1.2 PureTech GT"}, 25_100_00},
	{"Tesla", "Model 3", []string{"RWD", "Long Range AWD"}, 39_990_00},
}

var (
	genFirstNames = []string{"Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Grace",
		"Arthur", "Freya", "Muhammad", "Lily", "Oscar", "Sophia", "Charlie", "Florence", "Jacob", "Rosie", "Thomas", "Evie",
		"James", "Emily", "William", "Poppy", "Henry", "Ella", "Aisha", "Priya", "Rhys", "Siobhan", "Callum", "Niamh"}
	genLastNames = []string{"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
		"Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood",
		"Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Khan", "Ahmed", "O'Brien", "MacLeod"}
	// genAreas are real postcode areas with the area's registration memory
	// tag (the plate's first two letters).
	genAreas = []struct{ area, tag string }{{"LS", "YA"}, {"BD", "YB"}, {"S", "YK"}, {"M", "MA"}, {"B", "BD"}, {"CV", "BA"},
		{"NG", "FE"}, {"LE", "FN"}, {"RG", "RA"}, {"BS", "WA"}, {"YO", "YS"}, {"HG", "YE"}, {"BT", "BT"}, {"L", "MF"},
		{"NE", "NA"}, {"G", "SA"}, {"EH", "SC"}, {"CF", "CA"}, {"SW", "LA"}, {"E", "LB"}}
	genDealers   = []string{"DLR001", "DLR002", "DLR003", "DLR004", "DLR005", "DLR006", "DLR007", "DLR008", "DLR009", "DLR010", "DLR011", "DLR012", "DLR013", "DLR014", "DLR015"}
	genAPRs      = []int64{49, 69, 79, 89, 99, 109, 129} // tenths of a percent
	genHireRates = []int64{49, 59, 69, 79}
	genMileages  = []int64{6000, 8000, 10000, 12000, 15000, 20000}
	// genPlateLetters are the letters a plate's random part may use (no I,
	// Q or Z).
	genPlateLetters = "ABCDEFGHJKLMNOPRSTUVWXY"
	genPostLetters  = "ABDEFGHJLNPQRSTUWXYZ"
)

// genDeal is a priced agreement shape that rows reuse, so a million rows
// need a few hundred quotes, not a million.
type genDeal struct {
	model      genModel
	derivative string
	product    string
	term       int
	cash       int64
	monthly    int64
	deposit    int64
	credit     int64
	apr        finance.Decimal
	ofp        int64
	annual     int64
}

type generator struct {
	r     *rand.Rand
	asOf  time.Time
	today string
	deals []genDeal
	next  int // customer and agreement counter
}

const genDealsPerProduct = 160

func newGenerator(opt GenOptions) (*generator, error) {
	asOf := opt.AsOf
	if asOf.IsZero() {
		asOf = time.Now()
	}
	asOf = time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)
	g := &generator{r: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x6b657974726e)), asOf: asOf, today: asOf.Format(time.DateOnly)}
	for _, product := range []string{ProductPCP, ProductHP, ProductPCH} {
		for range genDealsPerProduct {
			d, err := g.deal(product)
			if err != nil {
				return nil, err
			}
			g.deals = append(g.deals, d)
		}
	}
	return g, nil
}

// deal prices one agreement shape with the finance engine.
func (g *generator) deal(product string) (genDeal, error) {
	m := genModels[g.r.IntN(len(genModels))]
	di := g.r.IntN(len(m.derivatives))
	cash := (m.price*(100+int64(di)*7)/100 + int64(g.r.IntN(2000))*100) / 500 * 500
	d := genDeal{model: m, derivative: m.derivatives[di], product: product, cash: cash,
		annual: genMileages[g.r.IntN(len(genMileages))]}
	terms := []int{24, 36, 36, 48, 48}
	if product == ProductHP {
		terms = []int{24, 36, 48, 48, 60}
	}
	d.term = terms[g.r.IntN(len(terms))]
	req := finance.QuoteRequest{Product: finance.Product(product), Market: finance.UK, Currency: finance.GBP, CashPrice: cash}
	switch product {
	case ProductPCP:
		d.deposit = cash * int64(8+g.r.IntN(14)) / 100 / 100 * 100
		// The guaranteed future value: a cautious share of the car's value at
		// the end, lower for longer terms and higher mileages.
		share := 62 - int64(d.term-24)/12*7 - (d.annual-6000)/2000
		d.ofp = cash * share / 100 / 100 * 100
		apr := finance.NewDecimal(genAPRs[g.r.IntN(len(genAPRs))], 1)
		req.Deposit, req.MonthlyPayments, req.OptionalFinalPayment, req.APR = d.deposit, d.term-1, d.ofp, &apr
		req.AnnualMileage, req.ExcessMileageCharge = int(d.annual), excessCharge(cash)
	case ProductHP:
		d.deposit = cash * int64(5+g.r.IntN(25)) / 100 / 100 * 100
		apr := finance.NewDecimal(genAPRs[g.r.IntN(len(genAPRs))], 1)
		req.Deposit, req.MonthlyPayments, req.APR = d.deposit, d.term, &apr
	default:
		rate := finance.NewDecimal(genHireRates[g.r.IntN(len(genHireRates))], 1)
		residual := cash * (58 - int64(d.term-24)/12*8) / 100
		req.MonthlyPayments, req.InitialRentalMonths, req.Rate, req.ResidualValue = d.term-1, []int{3, 6, 9}[g.r.IntN(3)], &rate, &residual
		req.AnnualMileage, req.ExcessMileageCharge = int(d.annual), excessCharge(cash)
	}
	q, err := finance.Quote(req)
	if err != nil {
		return genDeal{}, fmt.Errorf("agreements: generate: price a %s: %w", product, err)
	}
	if q.CreditTerms != nil {
		d.monthly, d.credit, d.apr = q.CreditTerms.MonthlyPayment, q.CreditTerms.AmountOfCredit, q.CreditTerms.APR
	} else {
		d.monthly, d.deposit = q.HireTerms.MonthlyRental, q.HireTerms.InitialRental
	}
	return d, nil
}

// excessCharge is the pence per mile over the allowance: dearer cars cost
// more per mile.
func excessCharge(cash int64) *finance.Decimal {
	d := finance.NewDecimal(6+cash/10_000_00*2, 0)
	return &d
}

// genCustomer is one customer's columns (the first eight, and the consent
// columns), reused for a second agreement: consent belongs to the customer.
type genCustomer struct {
	cols       [8]string
	consent    [4]string // push, email, sms, date
	vulnerable string
	area       int
}

func (g *generator) customer() genCustomer {
	g.next++
	first := genFirstNames[g.r.IntN(len(genFirstNames))]
	last := genLastNames[g.r.IntN(len(genLastNames))]
	local := strings.ToLower(strings.ReplaceAll(first+"."+last, "'", "")) + strconv.Itoa(g.next%997)
	domains := []string{"example.com", "example.org", "example.net"}
	mobile := ""
	if g.r.IntN(10) < 8 {
		mobile = fmt.Sprintf("07700 900%03d", g.r.IntN(1000))
	}
	age := 21 + g.r.IntN(27) + g.r.IntN(27)
	dob := g.asOf.AddDate(-age, 0, -g.r.IntN(365)).Format(time.DateOnly)
	area := g.r.IntN(len(genAreas))
	postcode := fmt.Sprintf("%s%d %d%c%c", genAreas[area].area, 1+g.r.IntN(19), g.r.IntN(10),
		genPostLetters[g.r.IntN(len(genPostLetters))], genPostLetters[g.r.IntN(len(genPostLetters))])
	zone := ""
	if g.r.IntN(4) == 0 {
		zone = "Europe/London"
	}
	c := genCustomer{area: area, cols: [8]string{fmt.Sprintf("C%09d", g.next), first, last,
		local + "@" + domains[g.r.IntN(len(domains))], mobile, dob, postcode, zone}}
	c.vulnerable = yesNo(g.r.IntN(100) < 2)
	consented := false
	for i := range 3 {
		switch g.r.IntN(5) {
		case 0:
		case 1, 2:
			c.consent[i] = "false"
		default:
			c.consent[i] = "true"
			consented = true
		}
	}
	if consented {
		// Given in the app some time in the last four years.
		c.consent[3] = g.asOf.AddDate(0, 0, -1-g.r.IntN(4*365)).Format(time.DateOnly)
	}
	return c
}

// agreement fills rec with one agreement of customer c.
func (g *generator) agreement(c genCustomer, rec []string) {
	g.next++
	copy(rec, c.cols[:])
	d := &g.deals[g.r.IntN(len(g.deals))]
	// Agreements have started by the file's day and end from two months
	// before it (a PCP waiting for its final payment) to the end of the term.
	end := g.asOf.AddDate(0, 0, -60+g.r.IntN(d.term*30+60))
	start := end.AddDate(0, -d.term, 0)
	if start.After(g.asOf) {
		start = g.asOf
	}
	used := d.product != ProductPCH && g.r.IntN(4) == 0
	firstReg := start
	if used {
		firstReg = start.AddDate(0, -(12 + g.r.IntN(25)), -g.r.IntN(28))
	}
	monthsOld := int(g.asOf.Sub(firstReg).Hours() / 24 / 30.44)
	if monthsOld < 0 {
		monthsOld = 0
	}
	miles := int64(5+g.r.IntN(40)) + int64(monthsOld)*d.annual/12*int64(60+g.r.IntN(65))/100
	if start.After(g.asOf) {
		miles = int64(5 + g.r.IntN(40))
	}

	rec[colAgreementNumber] = fmt.Sprintf("AGR%09d", g.next)
	rec[colProduct] = d.product
	rec[colStartDate] = start.Format(time.DateOnly)
	rec[colTermMonths] = strconv.Itoa(d.term)
	rec[colMonthlyPayment] = pounds(d.monthly)
	rec[colDeposit] = pounds(d.deposit)
	rec[colAmountOfCredit], rec[colAPR], rec[colOptionalFinalPayment] = "", "", ""
	if d.product != ProductPCH {
		rec[colAmountOfCredit] = pounds(d.credit)
		rec[colAPR] = d.apr.String()
	}
	if d.product == ProductPCP {
		rec[colOptionalFinalPayment] = pounds(d.ofp)
	}
	rec[colAnnualMileage] = strconv.FormatInt(d.annual, 10)
	rec[colMake], rec[colModel], rec[colDerivative] = d.model.make, d.model.model, d.derivative
	rec[colRegistration] = g.plate(c.area, firstReg)
	rec[colFirstRegistered] = firstReg.Format(time.DateOnly)
	rec[colCurrentMileage] = strconv.FormatInt(miles, 10)

	// A valuation for most live cars: the cash price less depreciation by
	// age and mileage (a rough trade guide, not a price).
	var valuation *int64
	if g.r.IntN(100) < 85 && !start.After(g.asOf) {
		v := d.cash * 88 / 100
		for y := 0; y < monthsOld/12; y++ {
			v = v * 85 / 100
		}
		v -= miles * 4
		v = max(v, d.cash/10) / 2500 * 2500
		valuation = &v
	}
	rec[colValuation] = ""
	if valuation != nil {
		rec[colValuation] = pounds(*valuation)
	}
	rec[colSettlementFigure] = ""
	if d.product != ProductPCH && g.r.IntN(2) == 0 && !start.After(g.asOf) && end.After(g.asOf) {
		rec[colSettlementFigure] = g.settlement(d, start)
	}
	rec[colDealerCode] = ""
	if g.r.IntN(10) != 0 {
		rec[colDealerCode] = genDealers[g.r.IntN(len(genDealers))]
	}
	rec[colInArrears] = yesNo(g.r.IntN(100) < 3)
	rec[colVulnerable] = c.vulnerable
	rec[colConsentPush], rec[colConsentEmail], rec[colConsentSMS], rec[colConsentDate] = c.consent[0], c.consent[1], c.consent[2], c.consent[3]
}

// settlement is the financier's settlement figure as of the file's day,
// from the finance engine.
func (g *generator) settlement(d *genDeal, start time.Time) string {
	regular := d.term
	runs := []finance.PaymentRun{}
	if d.product == ProductPCP {
		regular = d.term - 1
	}
	runs = append(runs, finance.PaymentRun{Month: 1, Count: &regular, Amount: d.monthly})
	if d.product == ProductPCP {
		runs = append(runs, finance.PaymentRun{Month: d.term, Amount: d.ofp})
	}
	apr := d.apr
	ans, err := finance.Settle(finance.SettleRequest{Market: finance.UK, Currency: finance.GBP, StartDate: start.Format(time.DateOnly),
		AmountOfCredit: d.credit, APR: &apr, Payments: runs, SettlementDate: g.today})
	if err != nil {
		return ""
	}
	return pounds(ans.SettlementFigure)
}

// plate is a current-style UK registration: the area's memory tag, the age
// identifier of the registration date, three random letters.
func (g *generator) plate(area int, reg time.Time) string {
	y := reg.Year() % 100
	if reg.Month() < time.March {
		y = (y + 99) % 100
		y += 50
	} else if reg.Month() >= time.September {
		y += 50
	}
	var b [3]byte
	for i := range b {
		b[i] = genPlateLetters[g.r.IntN(len(genPlateLetters))]
	}
	return fmt.Sprintf("%s%02d %s", genAreas[area].tag, y, b[:])
}

func yesNo(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// pounds writes minor units as pounds with two decimals: 123456 → 1234.56.
func pounds(v int64) string {
	s := strconv.FormatInt(v/100, 10)
	c := v % 100
	if c < 10 {
		return s + ".0" + strconv.FormatInt(c, 10)
	}
	return s + "." + strconv.FormatInt(c, 10)
}
