package demo

// The tables below are the raw material the generator draws from. Names are
// common in Britain and Ireland; towns, roads and postcode districts are
// real, but every business, person and full address is fictional. Telephone
// numbers come only from ranges reserved for drama (Ofcom's in the UK,
// 020 91x xxxx in Ireland) and email addresses only from reserved domains
// (RFC 2606/6761: .example, .test, example.com), so a demo can never message
// a real person.

// demoDomain is the reserved domain of the demo staff's sign-in addresses.
const demoDomain = "demo.keyturn.test"

// dealerGroupSeed is one dealer group with its showrooms.
type dealerGroupSeed struct {
	name      string
	domain    string // reserved domain for the group's public addresses
	locations []locationSeed
}

// locationSeed is one showroom: a real road in a real town, a fictional
// business. Districts are the postcode districts its customers live in.
type locationSeed struct {
	code       string
	name       string
	address    string
	town       string
	region     string
	postcode   string
	lat, lon   float64
	phone      string // drama-range prefix; the last digits are added per location
	hours      hoursSeed
	principal  string // general manager; empty for the demo principal
	weight     int    // relative share of the financier's customers
	districts  []string
	memoryTags []string // registration area letters of the local DVLA office (GB) or NI codes
	ni         bool     // Northern Ireland: NI-style registrations
}

// hoursSeed is a showroom's weekly pattern, in local time.
type hoursSeed struct {
	weekday  [2]string
	saturday [2]string
	sunday   [2]string // empty: closed
}

var (
	hoursStandard = hoursSeed{weekday: [2]string{"09:00", "18:00"}, saturday: [2]string{"09:00", "17:00"}, sunday: [2]string{"10:30", "16:30"}}
	hoursLong     = hoursSeed{weekday: [2]string{"08:30", "19:00"}, saturday: [2]string{"09:00", "18:00"}, sunday: [2]string{"10:00", "16:00"}}
	hoursNoSunday = hoursSeed{weekday: [2]string{"09:00", "17:30"}, saturday: [2]string{"09:00", "17:00"}}
)

// Drama-range telephone prefixes (Ofcom, "Telephone numbers for drama
// purposes"): each is followed by three digits, 000–999.
const (
	phoneLeeds      = "0113 496 0"
	phoneSheffield  = "0114 496 0"
	phoneNottingham = "0115 496 0"
	phoneLeicester  = "0116 496 0"
	phoneBristol    = "0117 496 0"
	phoneReading    = "0118 496 0"
	phoneBirmingham = "0121 496 0"
	phoneManchester = "0161 496 0"
	phoneCoventry   = "024 7618 0"
	phoneNI         = "028 9649 6"
	phoneNoArea     = "01632 960" // towns without their own drama range
	phoneMobile     = "07700 900"
	phoneFreephone  = "0808 157 0"
	phoneIreland    = "020 910 " // Ireland's drama range, 020 91x xxxx; four digits follow
)

// dealerGroups are the three groups in the demo network, fifteen showrooms
// in all. The first group's principal and enquiry manager are demo staff,
// and DLR001 is the demo customer's dealer.
var dealerGroups = []dealerGroupSeed{
	{
		name:   "Kestrel Motor Group",
		domain: "kestrel-motors.example",
		locations: []locationSeed{
			{code: "DLR001", name: "Kestrel Leeds", address: "212 Kirkstall Road", town: "Leeds", region: "Yorkshire and the Humber", postcode: "LS4 2BT", lat: 53.8036, lon: -1.5792, phone: phoneLeeds + "101", hours: hoursLong, weight: 60,
				districts:  []string{"LS1", "LS2", "LS4", "LS5", "LS6", "LS7", "LS8", "LS11", "LS12", "LS13", "LS15", "LS16", "LS17", "LS18", "LS19", "LS25", "LS26", "LS27", "LS28"},
				memoryTags: []string{"YA", "YB", "YC", "YD", "YE", "YF", "YG", "YH", "YJ", "YK"}},
			{code: "DLR002", name: "Kestrel Bradford", address: "41 Canal Road", town: "Bradford", region: "Yorkshire and the Humber", postcode: "BD2 1AU", lat: 53.8108, lon: -1.7534, phone: phoneNoArea + "102", hours: hoursStandard, weight: 35,
				districts:  []string{"BD1", "BD2", "BD3", "BD4", "BD5", "BD6", "BD7", "BD8", "BD9", "BD10", "BD15", "BD17", "BD18"},
				memoryTags: []string{"YA", "YB", "YC", "YD", "YE", "YF", "YG", "YH", "YJ", "YK"}},
			{code: "DLR003", name: "Kestrel Harrogate", address: "250 Leeds Road", town: "Harrogate", region: "Yorkshire and the Humber", postcode: "HG2 8BP", lat: 53.9782, lon: -1.5261, phone: phoneNoArea + "103", hours: hoursNoSunday, weight: 20,
				districts:  []string{"HG1", "HG2", "HG3", "HG5", "LS22"},
				memoryTags: []string{"YL", "YM", "YN", "YO", "YP", "YR", "YS", "YT", "YU"}},
			{code: "DLR004", name: "Kestrel York", address: "8 Stirling Road, Clifton Moor", town: "York", region: "Yorkshire and the Humber", postcode: "YO30 4TU", lat: 53.9934, lon: -1.1049, phone: phoneNoArea + "104", hours: hoursStandard, weight: 25,
				districts:  []string{"YO1", "YO10", "YO19", "YO23", "YO24", "YO26", "YO30", "YO31", "YO32"},
				memoryTags: []string{"YL", "YM", "YN", "YO", "YP", "YR", "YS", "YT", "YU"}},
			{code: "DLR005", name: "Kestrel Sheffield", address: "318 Penistone Road", town: "Sheffield", region: "Yorkshire and the Humber", postcode: "S6 2GY", lat: 53.3984, lon: -1.4827, phone: phoneSheffield + "105", hours: hoursLong, weight: 40,
				districts:  []string{"S2", "S5", "S6", "S7", "S8", "S10", "S11", "S12", "S13", "S17", "S20", "S35"},
				memoryTags: []string{"YV", "YW", "YX", "YY"}},
			{code: "DLR006", name: "Kestrel Manchester", address: "690 Chester Road, Stretford", town: "Manchester", region: "North West", postcode: "M32 0RW", lat: 53.4581, lon: -2.2899, phone: phoneManchester + "106", hours: hoursLong, weight: 45,
				districts:  []string{"M14", "M16", "M19", "M20", "M21", "M32", "M33", "M41", "SK4", "SK8"},
				memoryTags: []string{"MA", "MB", "MC", "MD", "ME", "MF", "MG", "MH", "MJ", "MK", "ML", "MM"}},
		},
	},
	{
		name:   "Ashcombe Motors",
		domain: "ashcombe-motors.example",
		locations: []locationSeed{
			{code: "DLR007", name: "Ashcombe Birmingham", address: "745 Bristol Road, Selly Oak", town: "Birmingham", region: "West Midlands", postcode: "B29 6AS", lat: 52.4412, lon: -1.9357, phone: phoneBirmingham + "107", hours: hoursLong, principal: "Rajinder Sandhu", weight: 45,
				districts:  []string{"B13", "B14", "B17", "B23", "B24", "B27", "B28", "B29", "B30", "B31", "B44", "B73"},
				memoryTags: []string{"BA", "BB", "BC", "BD", "BE", "BF", "BG", "BH", "BJ", "BK", "BL", "BM"}},
			{code: "DLR008", name: "Ashcombe Coventry", address: "120 London Road", town: "Coventry", region: "West Midlands", postcode: "CV3 4AR", lat: 52.3968, lon: -1.4948, phone: phoneCoventry + "108", hours: hoursStandard, principal: "Rajinder Sandhu", weight: 25,
				districts:  []string{"CV1", "CV2", "CV3", "CV4", "CV5", "CV6", "CV8", "CV32"},
				memoryTags: []string{"BN", "BO", "BP", "BR", "BS", "BT", "BU", "BV", "BW", "BX", "BY"}},
			{code: "DLR009", name: "Ashcombe Nottingham", address: "27 Daleside Road", town: "Nottingham", region: "East Midlands", postcode: "NG2 3GG", lat: 52.9461, lon: -1.1218, phone: phoneNottingham + "109", hours: hoursStandard, principal: "Claire Whitmore", weight: 30,
				districts:  []string{"NG2", "NG3", "NG5", "NG7", "NG8", "NG9", "NG11", "NG12", "NG14"},
				memoryTags: []string{"FA", "FB", "FC", "FD", "FE", "FF", "FG", "FH", "FJ", "FK", "FL", "FM", "FN", "FP"}},
			{code: "DLR010", name: "Ashcombe Leicester", address: "201 Aylestone Road", town: "Leicester", region: "East Midlands", postcode: "LE2 7LF", lat: 52.6139, lon: -1.1379, phone: phoneLeicester + "110", hours: hoursNoSunday, principal: "Claire Whitmore", weight: 30,
				districts:  []string{"LE2", "LE3", "LE4", "LE5", "LE7", "LE8", "LE18", "LE19"},
				memoryTags: []string{"FA", "FB", "FC", "FD", "FE", "FF", "FG", "FH", "FJ", "FK", "FL", "FM", "FN", "FP"}},
			{code: "DLR011", name: "Ashcombe Reading", address: "560 Bath Road", town: "Reading", region: "South East", postcode: "RG30 2HB", lat: 51.4529, lon: -1.0083, phone: phoneReading + "111", hours: hoursStandard, principal: "Simon Hargreaves", weight: 25,
				districts:  []string{"RG1", "RG2", "RG4", "RG5", "RG6", "RG30", "RG31", "RG40", "RG41"},
				memoryTags: []string{"RA", "RB", "RC", "RD", "RE", "RF", "RG", "RH", "RJ", "RK", "RL", "RM"}},
			{code: "DLR012", name: "Ashcombe Bristol", address: "14 Lysander Road, Cribbs Causeway", town: "Bristol", region: "South West", postcode: "BS10 7UB", lat: 51.5242, lon: -2.6003, phone: phoneBristol + "112", hours: hoursLong, principal: "Simon Hargreaves", weight: 35,
				districts:  []string{"BS3", "BS4", "BS5", "BS6", "BS7", "BS8", "BS9", "BS10", "BS16", "BS32", "BS34"},
				memoryTags: []string{"WA", "WB", "WC", "WD", "WE", "WF", "WG", "WH", "WJ"}},
		},
	},
	{
		name:   "Lagan Valley Cars",
		domain: "laganvalley-cars.example",
		locations: []locationSeed{
			{code: "DLR013", name: "Lagan Valley Belfast", address: "96 Boucher Road", town: "Belfast", region: "Northern Ireland", postcode: "BT12 6HR", lat: 54.5843, lon: -5.9592, phone: phoneNI + "113", hours: hoursStandard, principal: "Gráinne McKeown", weight: 30, ni: true,
				districts:  []string{"BT4", "BT5", "BT6", "BT7", "BT9", "BT10", "BT11", "BT14", "BT15"},
				memoryTags: []string{"AZ", "CZ", "FZ", "GZ", "JZ", "KZ", "MZ", "OZ", "PZ", "UZ", "XZ"}},
			{code: "DLR014", name: "Lagan Valley Lisburn", address: "3 Sprucefield Park, Hillsborough Road", town: "Lisburn", region: "Northern Ireland", postcode: "BT27 5UQ", lat: 54.4957, lon: -6.0698, phone: phoneNI + "114", hours: hoursNoSunday, principal: "Gráinne McKeown", weight: 12, ni: true,
				districts:  []string{"BT27", "BT28"},
				memoryTags: []string{"DZ", "RZ", "SZ", "TZ"}},
			{code: "DLR015", name: "Lagan Valley Newry", address: "52 Belfast Road", town: "Newry", region: "Northern Ireland", postcode: "BT34 1QH", lat: 54.1889, lon: -6.3347, phone: phoneNI + "115", hours: hoursNoSunday, principal: "Gráinne McKeown", weight: 10, ni: true,
				districts:  []string{"BT34", "BT35"},
				memoryTags: []string{"BZ", "HZ", "LZ", "NZ", "VZ", "WZ", "YZ"}},
		},
	},
}

// irishNetwork are the showrooms also in demo-ie's network: the Northern
// Irish ones, which sell to customers across the border.
var irishNetwork = []string{"DLR013", "DLR014", "DLR015"}

// firstNames and lastNames are drawn independently; a few names from
// Britain's South Asian, Polish, West African and Irish communities make the
// list look like a real customer base.
var (
	firstNames = []string{
		"Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar", "William",
		"James", "Daniel", "Matthew", "Michael", "David", "Andrew", "Paul", "Mark", "Richard", "Stephen",
		"Christopher", "Robert", "Peter", "John", "Ian", "Gary", "Darren", "Lee", "Craig", "Jamie",
		"Ryan", "Liam", "Adam", "Luke", "Samuel", "Joseph", "Benjamin", "Nathan", "Callum", "Connor",
		"Kieran", "Mohammed", "Imran", "Arjun", "Rohan", "Sanjay", "Tomasz", "Piotr", "Kwame", "Declan",
		"Rhys", "Gareth", "Owen", "Euan", "Fraser", "Alistair", "Graham", "Neil", "Simon", "Keith",
		"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Lily", "Chloe", "Jessica",
		"Charlotte", "Hannah", "Lucy", "Emma", "Sarah", "Laura", "Rebecca", "Claire", "Nicola", "Joanne",
		"Lisa", "Karen", "Michelle", "Helen", "Rachel", "Victoria", "Kirsty", "Gemma", "Jade", "Danielle",
		"Amy", "Zoe", "Megan", "Holly", "Ellie", "Priya", "Aisha", "Fatima", "Sana", "Ananya",
		"Agnieszka", "Chidinma", "Niamh", "Siobhan", "Bethan", "Ffion", "Eilidh", "Catherine", "Susan", "Janet",
		"Margaret", "Pauline", "Julie", "Alison", "Deborah", "Natalie", "Stacey", "Leanne", "Yasmin", "Harpreet",
	}
	lastNames = []string{
		"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
		"Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke",
		"Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes",
		"Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan",
		"Scott", "Watson", "Davis", "Parker", "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell",
		"Bailey", "Carter", "Cook", "Singh", "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum",
		"Miller", "Cox", "Hussain", "Marshall", "Simpson", "Price", "Anderson", "Adams", "Wilkinson", "Ali",
		"Ahmed", "Foster", "Ellis", "Murphy", "Chapman", "Mason", "Gray", "Richards", "Webb", "Griffiths",
		"Hunt", "Palmer", "Campbell", "Holmes", "Mills", "Rogers", "Barnes", "Knight", "Matthews", "Barker",
		"Powell", "Stevens", "Kaur", "Fisher", "Butler", "Dixon", "Russell", "Harvey", "Pearson", "Graham",
		"Kowalski", "Nowak", "Okafor", "Mensah", "Chowdhury", "Sharma", "O'Brien", "MacDonald", "Fraser", "Lloyd",
		"Pritchard", "Sutcliffe", "Holroyd", "Ramsden", "Atkinson", "Brennan", "McLaughlin", "Quinn", "Doherty", "Gallagher",
	}
)

// vehicleSeed is a model on sale in Britain and Ireland, with a typical new
// cash price (pence) of one derivative line. Depreciation speeds are rough
// trade figures: electric cars have lost value faster than others since 2023.
type vehicleSeed struct {
	make, model string
	derivatives []string
	price       int64 // typical new cash price, pence
	ev          bool
	premium     bool
	weight      int
}

var vehicleModels = []vehicleSeed{
	{make: "Ford", model: "Puma", derivatives: []string{"1.0 EcoBoost Hybrid mHEV Titanium 5dr", "1.0 EcoBoost Hybrid mHEV ST-Line 5dr", "1.0 EcoBoost Hybrid mHEV ST-Line X 5dr DCT"}, price: 25_500_00, weight: 9},
	{make: "Ford", model: "Kuga", derivatives: []string{"1.5 EcoBoost 150 Titanium 5dr", "2.5 PHEV ST-Line 5dr CVT"}, price: 34_500_00, weight: 4},
	{make: "Ford", model: "Fiesta", derivatives: []string{"1.0 EcoBoost Hybrid mHEV ST-Line 5dr", "1.0 EcoBoost Trend 5dr"}, price: 20_500_00, weight: 4},
	{make: "Volkswagen", model: "Golf", derivatives: []string{"1.5 eTSI Life 5dr DSG", "1.5 TSI Style 5dr", "2.0 TDI R-Line 5dr DSG"}, price: 29_500_00, weight: 8},
	{make: "Volkswagen", model: "Polo", derivatives: []string{"1.0 TSI Life 5dr", "1.0 TSI Style 5dr DSG"}, price: 21_000_00, weight: 5},
	{make: "Volkswagen", model: "T-Roc", derivatives: []string{"1.5 TSI Life 5dr", "1.5 TSI R-Line 5dr DSG"}, price: 30_500_00, weight: 4},
	{make: "Volkswagen", model: "ID.3", derivatives: []string{"Pro 58kWh Life 5dr Auto", "Pro S 77kWh Family 5dr Auto"}, price: 36_500_00, ev: true, weight: 2},
	{make: "Kia", model: "Sportage", derivatives: []string{"1.6 T-GDi 2 5dr", "1.6 T-GDi HEV 3 5dr Auto", "1.6 T-GDi PHEV GT-Line 5dr Auto AWD"}, price: 33_500_00, weight: 7},
	{make: "Kia", model: "Niro", derivatives: []string{"1.6 GDi HEV 2 5dr DCT", "EV 64.8kWh 3 5dr Auto"}, price: 32_000_00, weight: 3},
	{make: "Tesla", model: "Model 3", derivatives: []string{"RWD 4dr Auto", "Long Range AWD 4dr Auto"}, price: 42_000_00, ev: true, premium: true, weight: 4},
	{make: "Tesla", model: "Model Y", derivatives: []string{"RWD 5dr Auto", "Long Range AWD 5dr Auto"}, price: 46_000_00, ev: true, premium: true, weight: 3},
	{make: "Nissan", model: "Qashqai", derivatives: []string{"1.3 DiG-T MH N-Connecta 5dr", "1.3 DiG-T MH Tekna 5dr Xtronic", "1.5 e-Power N-Connecta 5dr Auto"}, price: 30_500_00, weight: 8},
	{make: "Nissan", model: "Juke", derivatives: []string{"1.0 DiG-T N-Connecta 5dr", "1.6 Hybrid Tekna 5dr Auto"}, price: 23_500_00, weight: 4},
	{make: "BMW", model: "3 Series", derivatives: []string{"320i M Sport 4dr Step Auto", "330e M Sport 4dr Step Auto", "320d xDrive M Sport Touring 5dr Step Auto"}, price: 41_500_00, premium: true, weight: 4},
	{make: "BMW", model: "1 Series", derivatives: []string{"118i Sport 5dr", "118i M Sport 5dr Step Auto"}, price: 30_000_00, premium: true, weight: 3},
	{make: "Audi", model: "A3", derivatives: []string{"Sportback 30 TFSI Sport 5dr", "Sportback 35 TFSI S line 5dr S Tronic"}, price: 31_500_00, premium: true, weight: 4},
	{make: "Mercedes-Benz", model: "A-Class", derivatives: []string{"A180 Sport Executive 5dr Auto", "A200 AMG Line Premium 5dr Auto"}, price: 33_500_00, premium: true, weight: 3},
	{make: "Toyota", model: "Yaris", derivatives: []string{"1.5 Hybrid Icon 5dr CVT", "1.5 Hybrid Design 5dr CVT"}, price: 23_000_00, weight: 5},
	{make: "Toyota", model: "Corolla", derivatives: []string{"1.8 Hybrid Icon 5dr CVT", "2.0 Hybrid Design Touring Sports 5dr CVT"}, price: 30_000_00, weight: 4},
	{make: "Vauxhall", model: "Corsa", derivatives: []string{"1.2 Design 5dr", "1.2 Turbo SRi 5dr"}, price: 19_500_00, weight: 6},
	{make: "Hyundai", model: "Tucson", derivatives: []string{"1.6 T-GDi SE Connect 5dr", "1.6 T-GDi HEV Premium 5dr Auto"}, price: 34_000_00, weight: 4},
	{make: "Hyundai", model: "i10", derivatives: []string{"1.0 MPi Premium 5dr", "1.0 MPi Advance 5dr"}, price: 16_000_00, weight: 3},
	{make: "Skoda", model: "Octavia", derivatives: []string{"1.5 TSI SE Technology 5dr", "2.0 TDI SE L Estate 5dr DSG"}, price: 28_500_00, weight: 4},
	{make: "MG", model: "ZS", derivatives: []string{"1.5 VTi-TECH Excite 5dr", "1.5 Hybrid+ SE 5dr Auto"}, price: 20_000_00, weight: 4},
	{make: "MG", model: "MG4", derivatives: []string{"SE 51kWh 5dr Auto", "Trophy Long Range 77kWh 5dr Auto"}, price: 28_000_00, ev: true, weight: 2},
	{make: "Peugeot", model: "208", derivatives: []string{"1.2 PureTech Allure 5dr", "1.2 PureTech GT 5dr EAT8"}, price: 22_000_00, weight: 3},
	{make: "Land Rover", model: "Range Rover Evoque", derivatives: []string{"2.0 P250 R-Dynamic SE 5dr Auto", "1.5 P300e R-Dynamic HSE 5dr Auto"}, price: 48_500_00, premium: true, weight: 2},
	{make: "Volvo", model: "XC40", derivatives: []string{"2.0 B3P Plus Dark 5dr Auto", "2.0 B4P Ultimate Dark 5dr Auto"}, price: 38_500_00, premium: true, weight: 2},
	{make: "MINI", model: "Hatch", derivatives: []string{"1.5 Cooper Classic 3dr", "1.5 Cooper Sport 5dr Auto"}, price: 23_500_00, premium: true, weight: 3},
}

// irishCustomers are demo-ie's customers: few, so written out, each near one
// of the border showrooms or in Dublin. Eircodes use real routing keys with
// made-up unique identifiers.
var irishCustomers = []struct {
	first, last, eircode, county, dealer string
}{
	{"Aoife", "Murphy", "A91 K7P2", "LH", "DLR015"},
	{"Seán", "Kelly", "A92 X4F8", "LH", "DLR015"},
	{"Ciara", "O'Sullivan", "H18 T2W6", "MN", "DLR015"},
	{"Conor", "Walsh", "D15 R8H3", "D", "DLR013"},
	{"Niamh", "Byrne", "D24 E6N9", "D", "DLR013"},
	{"Darragh", "Ryan", "C15 Y3K1", "MH", "DLR014"},
	{"Siobhán", "O'Connor", "A91 F9X4", "LH", "DLR015"},
	{"Eoin", "McCarthy", "D06 W2V7", "D", "DLR013"},
}

// irishModels are what the demo-ie customers drive (prices in euro cents).
var irishModels = []vehicleSeed{
	{make: "Toyota", model: "Corolla", derivatives: []string{"1.8 Hybrid Luna 5dr CVT"}, price: 35_500_00, weight: 1},
	{make: "Hyundai", model: "Tucson", derivatives: []string{"1.6 T-GDi HEV Executive 5dr Auto"}, price: 42_000_00, weight: 1},
	{make: "Skoda", model: "Octavia", derivatives: []string{"2.0 TDI Style 5dr DSG"}, price: 37_000_00, weight: 1},
	{make: "Volkswagen", model: "ID.4", derivatives: []string{"Pro 77kWh Life 5dr Auto"}, price: 46_500_00, ev: true, weight: 1},
	{make: "Kia", model: "Sportage", derivatives: []string{"1.6 T-GDi HEV K3 5dr Auto"}, price: 41_000_00, weight: 1},
}
