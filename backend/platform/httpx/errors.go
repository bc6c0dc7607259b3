package httpx

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"
)

// ContentType is the media type of every error reply.
const ContentType = "application/problem+json"

// ErrorHandler is fiber.Config.ErrorHandler: the one place that writes error
// replies. Handlers only return errors.
func ErrorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := fromFiber(err)
		if p.Status >= 500 {
			log.Error("request failed",
				slog.String("request_id", RequestID(c)),
				slog.String("method", c.Method()),
				slog.String("route", c.Route().Path),
				slog.Any("error", err))
		}
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, ContentType)
		body := p.Body()
		if id := RequestID(c); id != "" && p.Status >= 500 {
			body["request_id"] = id
		}
		return c.JSON(body, ContentType)
	}
}

// fromFiber maps Fiber's own errors (404 for unknown routes, 413 for bodies
// over the limit, 405) into the catalogue.
func fromFiber(err error) *Problem {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			return NotFound("No such resource.")
		case fiber.StatusRequestEntityTooLarge:
			return KindPayloadTooLarge.New("The request body is larger than this endpoint accepts.")
		case fiber.StatusMethodNotAllowed:
			return KindMethodNotAllowed.New("This resource does not accept that method.")
		case fiber.StatusUnsupportedMediaType:
			return KindUnsupportedMedia.New(fe.Message)
		case fiber.StatusTooManyRequests:
			return KindRateLimited.New("Too many requests. Please wait a moment and try again.")
		case fiber.StatusBadRequest:
			return BadRequest("The request could not be read.")
		case fiber.StatusUnauthorized:
			return Unauthorized("Sign in to continue.")
		case fiber.StatusForbidden:
			return Forbidden("You are not allowed to do this.")
		case fiber.StatusServiceUnavailable:
			return KindUnavailable.New("The service is not ready.")
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return &Problem{Type: TypePrefix + KindBadRequest.Code, Title: KindBadRequest.Title, Status: fe.Code, Detail: "The request could not be handled."}
		}
	}
	return AsProblem(err)
}

// StatusOf is the HTTP status the error handler will answer err with.
func StatusOf(err error) int { return fromFiber(err).Status }

// RequestID returns the id the requestid middleware gave this request.
func RequestID(c *fiber.Ctx) string {
	if v, ok := c.Locals("requestid").(string); ok {
		return v
	}
	return ""
}

// JSONOnly refuses request bodies that are not JSON with a 415.
func JSONOnly(c *fiber.Ctx) error {
	if len(c.Body()) > 0 && !c.Is("json") {
		return KindUnsupportedMedia.New("Send the request body as application/json.")
	}
	return c.Next()
}
