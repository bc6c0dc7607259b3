package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// Route role sets: marketers and admins upload; approvers also see the
// files, since they review the offers that show them.
var (
	UploadRoles = []string{auth.RoleFinancierAdmin, auth.RoleFinancierMarketer}
	ReadRoles   = []string{auth.RoleFinancierAdmin, auth.RoleFinancierMarketer, auth.RoleComplianceApprover}
)

// ServeRoute is the public route that serves a file, outside /api/v1.
const ServeRoute = ServePrefix + ":key"

// Connection deadlines while a file moves. The server's ReadTimeout and
// WriteTimeout (30 s) bound a whole request or reply, which a 100 MiB video
// on a mobile link outlasts; while a file moves, the deadline is instead
// moved on as bytes flow, so only a stalled peer is cut off, and an upload
// still ends within uploadMaxTime.
const (
	ioIdle        = 30 * time.Second
	uploadMaxTime = 30 * time.Minute
	// chunkQueryTimeout bounds reading one chunk while serving.
	chunkQueryTimeout = 30 * time.Second
)

// HTTP serves uploads and the list to the financier console, and the files
// themselves to anyone with a key.
type HTTP struct {
	Service *Service
}

// Routes is the media route table (under /api/v1). The upload takes a
// streamed multipart body (Upload). ServeRoute is mounted by the app
// outside /api/v1, see Serve.
func (h *HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/media", Roles: ReadRoles, Handler: h.list},
		{Method: "POST", Path: "/media", Roles: UploadRoles, Handler: h.upload, Upload: true},
		{Method: "GET", Path: "/media/:id", Roles: ReadRoles, Handler: h.get},
	}
}

func (h *HTTP) list(c *fiber.Ctx) error {
	kind := c.Query("kind")
	if kind != "" && !slices.Contains(Kinds, kind) {
		return httpx.Validation("Unknown kind.", httpx.FieldError{Field: "kind", Code: "invalid",
			Message: "Use image, video or captions."})
	}
	items, err := h.Service.List(c.UserContext(), auth.ScopeOf(c), kind)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (h *HTTP) get(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.NotFound("No such file.")
	}
	v, err := h.Service.Get(c.UserContext(), auth.ScopeOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// upload takes one file as multipart/form-data (a single part named file),
// read as a stream, and answers 201 with the stored file.
func (h *HTTP) upload(c *fiber.Ctx) error {
	mediaType, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mediaType != "multipart/form-data" {
		return httpx.KindUnsupportedMedia.New("Send the file as multipart/form-data, in one part named file.")
	}
	if params["boundary"] == "" {
		return httpx.BadRequest("The multipart body has no boundary.")
	}
	p, _ := auth.From(c)
	actor := Actor{ID: p.SubjectID, IP: c.IP(), RequestID: httpx.RequestID(c)}
	body := requestBody(c)
	if conn := c.Context().Conn(); conn != nil {
		body = &deadlineReader{r: body, conn: conn, until: time.Now().Add(uploadMaxTime)}
	}
	mr := multipart.NewReader(body, params["boundary"])
	part, err := mr.NextPart()
	if errors.Is(err, io.EOF) {
		return noFile()
	}
	if err != nil {
		return httpx.BadRequest("The multipart body could not be read.")
	}
	if part.FormName() != "file" {
		return unknownField(part.FormName())
	}
	v, err := h.Service.Upload(c.UserContext(), p.Scope, actor, part.FileName(), part)
	if err != nil {
		return uploadProblem(err)
	}
	c.Location(ServePrefix + v.Key)
	return c.Status(fiber.StatusCreated).JSON(v)
}

// uploadProblem maps the service's refusals to problems; anything else is
// returned as it is.
func uploadProblem(err error) error {
	var tooLarge *TooLargeError
	var unsupported *UnsupportedError
	switch {
	case errors.As(err, &tooLarge):
		return httpx.KindPayloadTooLarge.New(fmt.Sprintf("The file is larger than %s, the limit for %s.",
			sizeText(tooLarge.Limit), kindPlural(tooLarge.Kind))).With("limit_bytes", tooLarge.Limit)
	case errors.As(err, &unsupported):
		return httpx.KindUnsupportedMedia.New(unsupported.Reason)
	case errors.Is(err, ErrEmpty):
		return httpx.Validation("The file is empty.", httpx.FieldError{Field: "file", Code: "empty", Message: "The file has no content."})
	case isMultipartError(err):
		return httpx.BadRequest("The multipart body could not be read.")
	}
	return err
}

// isMultipartError tells a malformed or cut-off body from a database error.
func isMultipartError(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "multipart:")
}

func kindPlural(kind string) string {
	switch kind {
	case KindImage:
		return "images"
	case KindVideo:
		return "videos"
	}
	return "captions"
}

// sizeText writes a limit the way people read it: 5 MiB, 512 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func noFile() error {
	return httpx.Validation("No file was sent.", httpx.FieldError{Field: "file", Code: "required",
		Message: "Send the file in a form field named file."})
}

func unknownField(name string) error {
	if len(name) > 40 {
		name = name[:40]
	}
	return httpx.Validation("The form has a field this upload does not accept.", httpx.FieldError{
		Field: name, Code: "unknown_field", Message: "Only a field named file is accepted."})
}

// requestBody is the request body as a stream when the server streams
// bodies (fiber.Config.StreamRequestBody), else the body read in full.
func requestBody(c *fiber.Ctx) io.Reader {
	if s := c.Context().RequestBodyStream(); s != nil {
		return s
	}
	return bytes.NewReader(c.Body())
}

// deadlineReader moves the connection's read deadline on before each read
// (see ioIdle), never past until.
type deadlineReader struct {
	r     io.Reader
	conn  net.Conn
	until time.Time
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	deadline := time.Now().Add(ioIdle)
	if deadline.After(d.until) {
		deadline = d.until
	}
	_ = d.conn.SetReadDeadline(deadline)
	return d.r.Read(p)
}

// Serve answers GET and HEAD /media/{key} for anyone: the key is the
// credential (128 random bits), since offers are shown to signed-in
// customers and on public share pages alike. It honours one byte range
// (206, or 416 when it lies past the end) and If-None-Match (304), and
// reads only the chunks the reply needs, one at a time.
//
// The app mounts it ahead of its compression middleware: a compressed 206
// would no longer be the bytes its Content-Range names (text/vtt counts as
// compressible), and images and video are compressed already.
func (h *HTTP) Serve(c *fiber.Ctx) error {
	key := c.Params("key")
	if !validKey(key) {
		return httpx.NotFound("No such file.")
	}
	m, err := h.Service.Store.ByKey(c.UserContext(), key)
	if err != nil {
		return err
	}
	etag := `"` + m.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentDisposition, "inline")
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, m.SHA256) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	c.Set(fiber.HeaderContentType, m.ContentType)
	start, end := int64(0), m.Bytes-1
	status := fiber.StatusOK
	if rh := c.Get(fiber.HeaderRange); rh != "" && ifRangeHolds(c.Get(fiber.HeaderIfRange), etag) {
		s, e, ok, satisfiable := parseRange(rh, m.Bytes)
		switch {
		case ok && !satisfiable:
			c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(m.Bytes, 10))
			c.Status(fiber.StatusRequestedRangeNotSatisfiable)
			return nil
		case ok:
			start, end, status = s, e, fiber.StatusPartialContent
			c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", s, e, m.Bytes))
		}
	}
	c.Status(status)
	r := &rangeReader{store: h.Service.Store, m: m, pos: start, end: end + 1, conn: c.Context().Conn(),
		log: h.Service.log()}
	c.Context().SetBodyStream(r, int(end+1-start))
	return nil
}

// etagMatches reports whether an If-None-Match list names the file's
// entity tag (weak comparison, as RFC 9110 §13.1.2 asks) or is "*".
func etagMatches(header, sha string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == `"`+sha+`"` {
			return true
		}
	}
	return false
}

// ifRangeHolds reports whether a Range may be honoured: no If-Range, or one
// naming the current strong entity tag (a date never matches: the file has
// no Last-Modified).
func ifRangeHolds(ifRange, etag string) bool {
	return ifRange == "" || strings.TrimSpace(ifRange) == etag
}

// parseRange reads a Range header for a file of size bytes. ok is false
// when it is not one byte range this server honours (several ranges, or a
// malformed one): RFC 9110 §14.2 lets a server then ignore it and send the
// whole file. satisfiable is false when the range lies past the end (416).
// end is inclusive.
func parseRange(header string, size int64) (start, end int64, ok, satisfiable bool) {
	unit, spec, found := strings.Cut(strings.TrimSpace(header), "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" {
		// "-n": the last n bytes.
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		return max(0, size-n), size - 1, true, true
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return 0, 0, false, false
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, 0, false, false
		}
	}
	if a >= size {
		return 0, 0, true, false
	}
	return a, min(b, size-1), true, true
}

// rangeReader reads bytes [pos, end) of a stored file, loading one chunk at
// a time. fasthttp reads it after the handler has returned, while it writes
// the reply, so it moves the connection's write deadline on as it goes.
type rangeReader struct {
	store Store
	m     Media
	pos   int64
	end   int64
	cur   []byte
	conn  net.Conn
	log   *slog.Logger
}

func (r *rangeReader) Read(p []byte) (int, error) {
	if r.pos >= r.end {
		return 0, io.EOF
	}
	if len(r.cur) == 0 {
		seq := int(r.pos / int64(r.m.ChunkBytes))
		ctx, cancel := context.WithTimeout(context.Background(), chunkQueryTimeout)
		data, err := r.store.Chunk(ctx, r.m.ID, seq)
		cancel()
		if err != nil {
			// The status line has gone out: all that is left is to cut the
			// reply short, and say why here.
			r.log.Error("media.serve_failed", slog.Int64("media_id", r.m.ID), slog.Int("seq", seq), slog.Any("error", err))
			return 0, err
		}
		off := r.pos - int64(seq)*int64(r.m.ChunkBytes)
		if off >= int64(len(data)) {
			return 0, fmt.Errorf("media: chunk %d of media %d is shorter than recorded", seq, r.m.ID)
		}
		data = data[off:]
		if rest := r.end - r.pos; int64(len(data)) > rest {
			data = data[:rest]
		}
		r.cur = data
		if r.conn != nil {
			_ = r.conn.SetWriteDeadline(time.Now().Add(ioIdle))
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	r.pos += int64(n)
	return n, nil
}
