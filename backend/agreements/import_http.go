package agreements

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Defaults of the progress stream.
const (
	// eventsPoll is how often a stream reads the import from the database,
	// beside the pub/sub messages, and sends a keep-alive when idle.
	eventsPoll = 2 * time.Second
	// eventsMaxAge ends a stream; the console reconnects and gets the
	// state at once.
	eventsMaxAge = time.Hour
)

// ImportsHTTP serves agreement imports to the financier console.
type ImportsHTTP struct {
	Imports *Imports
	// Poll overrides eventsPoll (tests).
	Poll time.Duration
}

// ImportRoles may load files: the financier's administrator and marketer.
var ImportRoles = []string{auth.RoleFinancierAdmin, auth.RoleFinancierMarketer}

// Routes is the imports route table. The upload route takes a streamed body
// (Upload): the app must let it through its JSON-only check and, for files
// over the app's body limit, stream request bodies (see docs/import.md).
func (h *ImportsHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/imports", Roles: auth.FinancierRoles, Handler: h.list},
		{Method: "POST", Path: "/imports", Roles: ImportRoles, Handler: h.upload, Upload: true},
		{Method: "GET", Path: "/imports/template.csv", Roles: auth.FinancierRoles, Handler: h.template},
		{Method: "GET", Path: "/imports/:id", Roles: auth.FinancierRoles, Handler: h.status},
		{Method: "GET", Path: "/imports/:id/events", Roles: auth.FinancierRoles, Handler: h.events},
	}
}

func (h *ImportsHTTP) template(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="agreements-template.csv"`)
	return c.Send(Template())
}

func (h *ImportsHTTP) list(c *fiber.Ctx) error {
	imps, err := h.Imports.List(c.UserContext(), auth.ScopeOf(c), 50)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"imports": imps})
}

func importID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.NotFound("No such import.")
	}
	return id, nil
}

func (h *ImportsHTTP) status(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	v, err := h.Imports.Status(c.UserContext(), auth.ScopeOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// requestBody is the request body as a stream when the server streams
// bodies (fiber.Config.StreamRequestBody), else the body read in full.
func requestBody(c *fiber.Ctx) io.Reader {
	if s := c.Context().RequestBodyStream(); s != nil {
		return s
	}
	return bytes.NewReader(c.Body())
}

// upload takes a file as multipart/form-data (part "file") or as the whole
// body (text/csv, or application/x-ndjson for JSON lines, with the name in
// ?file_name=), stores it as it arrives and answers 202 with the queued
// import; GET /imports/{id} and its events follow it.
func (h *ImportsHTTP) upload(c *fiber.Ctx) error {
	p, _ := auth.From(c)
	actorID := p.SubjectID
	actor := Actor{Kind: auth.KindStaff, ID: &actorID, IP: c.IP(), RequestID: httpx.RequestID(c)}
	mediaType, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil {
		return unsupportedUpload()
	}
	ctx := c.UserContext()
	var (
		view ImportView
		rerr error
	)
	switch mediaType {
	case "multipart/form-data":
		if params["boundary"] == "" {
			return httpx.BadRequest("The multipart body has no boundary.")
		}
		view, rerr = h.receiveMultipart(c, p.Scope, actor, params["boundary"])
	case "text/csv", "application/csv", "application/vnd.ms-excel":
		view, rerr = h.Imports.Receive(ctx, p.Scope, actor, c.Query("file_name", "upload.csv"), FormatCSV, requestBody(c))
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		view, rerr = h.Imports.Receive(ctx, p.Scope, actor, c.Query("file_name", "upload.jsonl"), FormatJSONLines, requestBody(c))
	default:
		return unsupportedUpload()
	}
	if rerr != nil {
		var ref *Refusal
		if errors.As(rerr, &ref) {
			return refusalProblem(ref, view.ID)
		}
		return rerr
	}
	c.Location("/api/v1/imports/" + strconv.FormatInt(view.ID, 10))
	return c.Status(fiber.StatusAccepted).JSON(view)
}

// receiveMultipart takes the form's file part. It reads the body as a
// stream, part by part, when the server streams bodies; when fasthttp has
// already parsed the form (a small body, or a server that pre-parses
// multipart forms into temporary files), it reads the parsed file.
func (h *ImportsHTTP) receiveMultipart(c *fiber.Ctx, sc tenant.Scope, actor Actor, boundary string) (ImportView, error) {
	ctx := c.UserContext()
	if c.Context().RequestBodyStream() == nil {
		form, err := c.MultipartForm()
		if err != nil {
			return ImportView{}, httpx.BadRequest("The multipart body could not be read.")
		}
		for name := range form.Value {
			return ImportView{}, unknownFormField(name)
		}
		for name := range form.File {
			if name != "file" {
				return ImportView{}, unknownFormField(name)
			}
		}
		files := form.File["file"]
		if len(files) != 1 {
			return ImportView{}, noFile()
		}
		f, err := files[0].Open()
		if err != nil {
			return ImportView{}, fmt.Errorf("agreements: open uploaded file: %w", err)
		}
		defer f.Close()
		name := files[0].Filename
		return h.Imports.Receive(ctx, sc, actor, name, FormatOf(mediaTypeOf(files[0].Header.Get(fiber.HeaderContentType)), name), f)
	}
	mr := multipart.NewReader(requestBody(c), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return ImportView{}, noFile()
		}
		if err != nil {
			return ImportView{}, httpx.BadRequest("The multipart body could not be read.")
		}
		if part.FormName() != "file" {
			_ = part.Close()
			return ImportView{}, unknownFormField(part.FormName())
		}
		name := part.FileName()
		return h.Imports.Receive(ctx, sc, actor, name, FormatOf(mediaTypeOf(part.Header.Get(fiber.HeaderContentType)), name), part)
	}
}

func noFile() error {
	return httpx.Validation("No file was sent.", httpx.FieldError{Field: "file", Code: "required",
		Message: "Send the file in a form field named file."})
}

func unknownFormField(name string) error {
	return httpx.Validation("The form has a field this upload does not accept.", httpx.FieldError{
		Field: shortColumn(name), Code: "unknown_field", Message: "Only a field named file is accepted."})
}

// mediaTypeOf is a Content-Type's media type without its parameters.
func mediaTypeOf(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

func unsupportedUpload() error {
	return httpx.KindUnsupportedMedia.New("Send the file as multipart/form-data (field file), text/csv, or application/x-ndjson for JSON lines.")
}

// refusalProblem is the reply to a refused file: 413 for a file over the
// size or row limit, 422 otherwise, naming the import so its record can be
// looked up.
func refusalProblem(ref *Refusal, id int64) error {
	if ref.TooLarge {
		return httpx.KindPayloadTooLarge.New(ref.Message).With("import_id", id)
	}
	return httpx.Validation(ref.Message, httpx.FieldError{Field: ref.Column, Code: "refused", Message: ref.Message}).With("import_id", id)
}

// events streams an import's progress as server-sent events: one event
// "progress" with the ProgressEvent as data on connecting and on each
// change, a keep-alive comment while nothing changes, and the end of the
// stream once the import is done, refused or failed. It works on any node:
// the node running the import publishes over kv.
func (h *ImportsHTTP) events(c *fiber.Ctx) error {
	id, err := importID(c)
	if err != nil {
		return err
	}
	sc := auth.ScopeOf(c)
	if _, err := h.Imports.load(c.UserContext(), sc, id); err != nil {
		return err
	}
	poll := h.Poll
	if poll <= 0 {
		poll = eventsPoll
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Accel-Buffering", "no")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		// The request's context ends with the handler; the stream lives on
		// until the import is over, the client goes away (a write fails) or
		// eventsMaxAge passes.
		ctx, cancel := context.WithTimeout(context.Background(), eventsMaxAge)
		defer cancel()
		seq := 0
		_, _ = fmt.Fprint(w, "retry: 3000\n\n")
		if w.Flush() != nil {
			return
		}
		send := func(e ProgressEvent) error {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			seq++
			if _, err := fmt.Fprintf(w, "id: %d\nevent: progress\ndata: %s\n\n", seq, b); err != nil {
				return err
			}
			return w.Flush()
		}
		idle := func() error {
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return err
			}
			return w.Flush()
		}
		if err := h.Imports.Follow(ctx, sc, id, poll, send, idle); err != nil {
			h.Imports.log().Debug("agreements.import_events_ended", slog.Int64("import_id", id), slog.Any("error", err))
		}
	})
	return nil
}
