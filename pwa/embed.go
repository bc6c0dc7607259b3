// Package pwa carries the progressive web app (the customer app and the
// financier and dealer consoles) inside the keyturn binary and serves it.
//
// The files come from `npm run build`, which writes dist/. A checkout that
// never ran the build still compiles: dist/.keep is committed, so the embed
// pattern always matches, and Built reports whether the real app is there.
package pwa

import (
	"embed"
	"io/fs"
)

// dist holds the Vite build. The all: prefix keeps files whose names start
// with a dot or underscore, which the plain pattern would silently drop.
//
//go:embed all:dist
var dist embed.FS

// files is dist without its top folder, so paths match URL paths.
var files = mustSub(dist, "dist")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		// fs.Sub only fails on an invalid path, which a constant is not.
		panic("pwa: sub " + dir + ": " + err.Error())
	}
	return sub
}

// Built reports whether this binary was built after `npm run build`, that is
// whether it carries the web app rather than only the placeholder page.
func Built() bool {
	return built(files)
}

func built(fsys fs.FS) bool {
	info, err := fs.Stat(fsys, "index.html")
	return err == nil && !info.IsDir()
}
