// Command fiberhello is the benchmark baseline: a bare Fiber app answering
// /healthz, built and measured in the same run as keyturn (see
// docs/BENCHMARKS.md), so every API figure has a ceiling to compare with.
package main

import (
	"log"
	"os"

	"github.com/gofiber/fiber/v2"
)

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:8099"
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	log.Fatal(app.Listen(addr))
}
