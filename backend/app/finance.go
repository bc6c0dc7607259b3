package app

import (
	financeapi "github.com/keyturn/keyturn/backend/finance/api"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

func financeRoutes() []httpx.Route { return financeapi.Routes() }
