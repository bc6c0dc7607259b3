package finance

import (
	"math"
	"testing"
	"time"
)

// naiveBisectionAPR is the straightforward solver the engine is measured
// against: bisection on the annual rate X itself, each step discounting
// every payment with math.Pow, until the bracket is 1e-9 wide (RULES A1's
// tolerance).
func naiveBisectionAPR(advance int64, flows []Flow) float64 {
	lo, hi := 0.0, 10.0
	for hi-lo > 1e-9 {
		mid := (lo + hi) / 2
		var pv float64
		for _, f := range flows {
			pv += float64(f.Amount) / math.Pow(1+mid, float64(f.Month)/12)
		}
		if pv > float64(advance) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestNaiveBisectionAgrees(t *testing.T) {
	flows := sixtyPayments()
	x, err := SolveAPR(1792500, flows)
	if err != nil {
		t.Fatal(err)
	}
	if got := naiveBisectionAPR(1792500, flows); math.Abs(got-x) > 1e-8 {
		t.Fatalf("bisection %v, Newton %v", got, x)
	}
}

var sinkFloat float64

// BenchmarkSolveAPR60 is the APR of a 60-payment schedule (target: under
// 5 µs, no allocation).
func BenchmarkSolveAPR60(b *testing.B) {
	flows := sixtyPayments()
	b.ReportAllocs()
	for b.Loop() {
		x, err := SolveAPR(1792500, flows)
		if err != nil {
			b.Fatal(err)
		}
		sinkFloat = x
	}
}

// BenchmarkNaiveBisectionAPR60 is the same schedule through the naive solver.
func BenchmarkNaiveBisectionAPR60(b *testing.B) {
	flows := sixtyPayments()
	b.ReportAllocs()
	for b.Loop() {
		sinkFloat = naiveBisectionAPR(1792500, flows)
	}
}

// BenchmarkAPRSolverRatio runs both solvers side by side in one loop, so that
// the machine's noise hits both alike, and reports their ratio.
func BenchmarkAPRSolverRatio(b *testing.B) {
	flows := sixtyPayments()
	var newton, bisect time.Duration
	for b.Loop() {
		t0 := time.Now()
		x, _ := SolveAPR(1792500, flows)
		t1 := time.Now()
		y := naiveBisectionAPR(1792500, flows)
		t2 := time.Now()
		newton += t1.Sub(t0)
		bisect += t2.Sub(t1)
		sinkFloat = x + y
	}
	n := float64(b.N)
	b.ReportMetric(float64(newton.Nanoseconds())/n, "newton-ns/op")
	b.ReportMetric(float64(bisect.Nanoseconds())/n, "bisection-ns/op")
	b.ReportMetric(float64(bisect)/float64(newton), "bisection/newton")
}

var sinkQuote QuoteAnswer

// BenchmarkQuote is a full PCP quote from a nominal rate with its
// representative example (target: under 20 µs).
func BenchmarkQuote(b *testing.B) {
	req := issueQuote(b)
	req.APR, req.Rate = nil, decp(b, "6.69")
	b.ReportAllocs()
	for b.Loop() {
		q, err := Quote(req)
		if err != nil {
			b.Fatal(err)
		}
		sinkQuote = q
	}
}

// BenchmarkQuoteByAPR is the issue's quote, priced from the APR, which
// solves for the payment and then checks its APR.
func BenchmarkQuoteByAPR(b *testing.B) {
	req := issueQuote(b)
	b.ReportAllocs()
	for b.Loop() {
		q, err := Quote(req)
		if err != nil {
			b.Fatal(err)
		}
		sinkQuote = q
	}
}

// BenchmarkQuoteIrishHP is a 60-payment Irish HP quote with two fees.
func BenchmarkQuoteIrishHP(b *testing.B) {
	req := QuoteRequest{Product: HP, Market: IE, CashPrice: 2390000, Deposit: 597500, MonthlyPayments: 60,
		Fees: []Fee{{Name: "Documentation fee", Amount: 7500, Payable: WithFirst}, {Name: "Option to purchase fee", Amount: 7500, Payable: WithFinal}},
		Rate: decp(b, "6.90")}
	b.ReportAllocs()
	for b.Loop() {
		q, err := Quote(req)
		if err != nil {
			b.Fatal(err)
		}
		sinkQuote = q
	}
}

var sinkCheck CheckAnswer

// BenchmarkCheck reconciles the Irish example with both fees' timing left
// for the check to find.
func BenchmarkCheck(b *testing.B) {
	req := CheckRequest{Product: HP, Market: IE, CashPrice: i64(2390000), Deposit: i64(597500), AmountOfCredit: i64(1792500),
		MonthlyPayments: intp(60), MonthlyPayment: i64(35409), FinalPayment: i64(42909),
		Fees:               []Fee{{Name: "Documentation fee", Amount: 7500}, {Name: "Option to purchase fee", Amount: 7500}},
		TotalAmountPayable: i64(2737040), APR: decp(b, "7.4")}
	b.ReportAllocs()
	for b.Loop() {
		c, err := Check(req)
		if err != nil {
			b.Fatal(err)
		}
		sinkCheck = c
	}
}

// BenchmarkBestOffersMillion prices 1,000,000 agreements against four offers
// per iteration (target: under 20 s, under 500 MB).
func BenchmarkBestOffersMillion(b *testing.B) {
	const n = 1_000_000
	agreements := generateAgreements(n)
	offers := prepareOffers(b)
	out := make([]BestOffer, n)
	b.ReportAllocs()
	for b.Loop() {
		BestOffers(agreements, offers, out)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/agreement")
}
